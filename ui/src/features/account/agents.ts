// How a session's user agent reads in a table: "Orgdesk app 0.1.0", "Firefox 128", "curl
// 8.5.0", or the raw string when nothing is recognised.

const KNOWN: [RegExp, string][] = [
  [/^orgdesk\/([\w.-]+)/i, 'Orgdesk app'],
  [/Edg\/([\d.]+)/, 'Edge'],
  [/Firefox\/([\d.]+)/, 'Firefox'],
  [/Chrome\/([\d.]+)/, 'Chrome'],
  [/Version\/([\d.]+).*Safari\//, 'Safari'],
  [/^curl\/([\w.-]+)/i, 'curl'],
  [/^python-requests\/([\w.-]+)/i, 'Python requests'],
];

export function agentLabel(ua: string | null): string {
  if (!ua || !ua.trim()) return 'Unknown app';
  for (const [pattern, name] of KNOWN) {
    const m = pattern.exec(ua);
    if (m) return `${name} ${(m[1] ?? '').split('.').slice(0, 3).join('.')}`.trim();
  }
  return ua.length > 48 ? `${ua.slice(0, 47)}…` : ua;
}
