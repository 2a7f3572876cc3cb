// A page's component, there from the start (the first screens: the overview) or fetched on
// first visit, so that the initial bundle holds only what the first paint needs (issue 14:
// initial JS + CSS ≤ 120 KB gzip, checked by scripts/budget.mjs). Every page is fetched
// anyway once the first screen has painted and the webview is idle, so switching pages stays
// instant; a page that is already here renders synchronously, with no loading state.
import type { Component } from 'svelte';
import type { Membership } from '../lib/bindings';

export type PageComponent = Component<{ membership: Membership }>;

export class LoadablePage {
  /** The component, once it is here. */
  component = $state.raw<PageComponent | null>(null);
  /** Why the last fetch failed, until a retry succeeds. */
  failure = $state<string | null>(null);
  readonly #fetch: (() => Promise<PageComponent>) | null;
  #loading: Promise<void> | null = null;

  constructor(fetch: (() => Promise<PageComponent>) | null, component: PageComponent | null = null) {
    this.#fetch = fetch;
    this.component = component;
  }

  /** Fetches the component unless it is here or on its way; a failed fetch can be tried again. */
  load(): Promise<void> {
    if (this.component || !this.#fetch) return Promise.resolve();
    if (this.#loading) return this.#loading;
    this.failure = null;
    this.#loading = this.#fetch().then(
      (component) => {
        this.component = component;
        this.failure = null;
      },
      (e: unknown) => {
        this.failure = e instanceof Error ? e.message : String(e);
        this.#loading = null;
      },
    );
    return this.#loading;
  }
}

/** A page in the initial bundle. */
export function eager(component: PageComponent): LoadablePage {
  return new LoadablePage(null, component);
}

/** A page fetched on first visit (or when the app is idle): `lazy(() => import(…).then((m) => m.X))`. */
export function lazy(fetch: () => Promise<PageComponent>): LoadablePage {
  return new LoadablePage(fetch);
}

/** Runs `then` once the first frame has painted and, where the webview can say so, it is idle. */
function whenIdle(then: () => void): () => void {
  let cancelled = false;
  let idle: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    // After this frame is painted, not before it.
    timer = setTimeout(() => {
      if (cancelled) return;
      if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(then, { timeout: 2000 });
      else timer = setTimeout(then, 200); // WebKitGTK has no requestIdleCallback
    }, 0);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}

/** Fetches the pages one after another in idle time after the first paint; returns a cancel. */
export function prefetch(pages: readonly LoadablePage[]): () => void {
  const queue = pages.filter((p) => !p.component);
  let cancel = () => {};
  const next = () => {
    const page = queue.shift();
    if (!page) return;
    cancel = whenIdle(() => void page.load().then(next));
  };
  next();
  return () => {
    queue.length = 0;
    cancel();
  };
}
