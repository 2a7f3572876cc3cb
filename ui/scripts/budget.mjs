#!/usr/bin/env node
// The initial-load budget (issue 14: initial JS + CSS ≤ 120 KB gzip). Reads the built
// dist/index.html, takes what it loads at start — its module scripts, the modules it
// preloads, its stylesheets — and every module those import statically (not `import()`:
// the pages and Chart.js are fetched later), gzips each at level 9 and fails when the sum
// is over the budget. `npm run budget` after `npm run build`; scripts/test.sh runs it.
//
//   node scripts/budget.mjs [--budget-kb 120] [--dist dist]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const budgetKb = Number(option('--budget-kb', process.env.ORGDESK_UI_BUDGET_KB ?? '120'));
const dist = option('--dist', join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
const KB = 1000; // as Vite reports sizes

const htmlPath = join(dist, 'index.html');
if (!existsSync(htmlPath)) {
  console.error(`budget: ${htmlPath} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const html = readFileSync(htmlPath, 'utf8');

/** The value of an attribute in a tag's text, or null. */
const attr = (tag, name) => tag.match(new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i'))?.[1] ?? null;

/** The site-relative path of a reference from `from` (a path under dist, `/` for index.html). */
function resolve(from, ref) {
  if (/^[a-z]+:/i.test(ref) || ref.startsWith('//')) return null; // not ours
  const clean = ref.split(/[?#]/)[0];
  return clean.startsWith('/') ? posix.normalize(clean) : posix.normalize(posix.join(posix.dirname(from), clean));
}

const start = new Set();
for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
  const isScript = /^<script/i.test(tag);
  const rel = attr(tag, 'rel');
  const ref = isScript ? attr(tag, 'src') : attr(tag, 'href');
  if (!ref) continue;
  if (isScript || rel === 'modulepreload' || rel === 'stylesheet') {
    const path = resolve('/index.html', ref);
    if (path) start.add(path);
  }
}
if (start.size === 0) {
  console.error('budget: index.html loads no script or stylesheet; is this the built index.html?');
  process.exit(2);
}

// The static imports of a minified ES module: `import{a as b}from"./x.js"`, `import"./x.js"`,
// `export{c}from"./x.js"`, `export*from"./x.js"`. Dynamic `import("./x.js")` has a
// parenthesis after `import` and does not match.
const STATIC_IMPORT = /(?:^|[;\s})])(?:import\s*(?:[\w$*{}\s,]+?\s*from\s*)?|export\s*(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*)["']([^"']+)["']/g;

const files = new Map(); // path → { raw, gzip }
const queue = [...start];
while (queue.length > 0) {
  const path = queue.shift();
  if (files.has(path)) continue;
  const file = join(dist, path);
  if (!existsSync(file)) {
    console.error(`budget: index.html loads ${path}, which is not in ${dist}`);
    process.exit(2);
  }
  const bytes = readFileSync(file);
  files.set(path, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  if (path.endsWith('.js')) {
    for (const [, ref] of bytes.toString('utf8').matchAll(STATIC_IMPORT)) {
      const dep = resolve(path, ref);
      if (dep && !files.has(dep)) queue.push(dep);
    }
  }
}

const sum = (pick) => [...files].filter(([p]) => pick(p)).reduce((n, [, f]) => n + f.gzip, 0);
const js = sum((p) => p.endsWith('.js'));
const css = sum((p) => p.endsWith('.css'));
const total = js + css;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;

for (const [path, f] of [...files].sort((a, b) => b[1].gzip - a[1].gzip)) {
  console.log(`  ${kb(f.gzip).padStart(9)} gzip  ${kb(f.raw).padStart(9)}  ${path}`);
}
console.log(`initial load: ${kb(total)} gzip (JS ${kb(js)}, CSS ${kb(css)}) in ${files.size} files; budget ${budgetKb} KB`);
if (total > budgetKb * KB) {
  console.error(`budget: the initial load is ${kb(total - budgetKb * KB)} over the budget of ${budgetKb} KB gzip`);
  process.exit(1);
}
