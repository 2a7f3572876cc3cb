// Dates, counts and names as people read them.

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "in 6 days", "2 hours ago", "now". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** yyyy-mm-dd of a local day, as file names and date inputs use it. */
export function isoDay(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** "1 project", "3 projects". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A noun with its article, as a sentence needs it: "a member", "an admin", "an owner". */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** Up to two initials of a name ("Ana Lima" → "AL"), "?" for none. */
export function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase() ?? '')
      .join('') || '?'
  );
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The user's locale for numbers, or en-US where it groups no digits (a POSIX "C" locale
 *  under a bare X session says "81115" and "€ 45.00"). */
const LOCALE: string | undefined = /\D/.test(new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(10_000))
  ? undefined
  : 'en-US';
/** Credits always read with separators. */
const whole = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** A whole number with separators: "12,345". */
export function integer(n: number): string {
  return whole.format(Math.trunc(n));
}

/** Credits are integers: "12,345" (never a fraction). */
export const credits = integer;

/**
 * Money in the currency's smallest unit (cents), as the user's locale writes it:
 * `money(4500, 'eur')` → "€45.00" (en-US where the locale groups no digits).
 */
export function money(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const local = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: code });
    const digits = local.resolvedOptions().maximumFractionDigits ?? 2;
    return local.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`;
  }
}

/** A signed amount of credits: "+1,000", "−250" (a true minus sign), "0". */
export function signedCredits(n: number): string {
  if (n > 0) return `+${credits(n)}`;
  if (n < 0) return `\u2212${credits(-n)}`;
  return '0';
}

/** "14:02" today, "24 Nov, 14:02" this year, "24 Nov 2025, 14:02" before. */
export function shortDateTime(iso: string, now: number = Date.now()): string {
  const d = new Date(iso);
  const today = new Date(now);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return time;
  const sameYear = d.getFullYear() === today.getFullYear();
  const day = d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' });
  return `${day}, ${time}`;
}
