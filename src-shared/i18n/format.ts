/**
 * Numbers, shares, dates, durations and sizes written the way each locale writes them (Intl), for the UI,
 * the report and the CLI alike. Missing values read as an em dash. Formatters are cached per locale and
 * option set: the report formats tens of thousands of figures.
 */
/**
 * A BCP 47 tag for Intl: a catalogue locale ('en', 'zh-CN'), or the user's own regional variant of its
 * language ('en-GB' writes 15 Jan 2026 where 'en' writes Jan 15, 2026).
 */
export type FormatLocale = string;

export const NONE = '—';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

const numberFormat = (locale: FormatLocale, o: Intl.NumberFormatOptions): Intl.NumberFormat => cached(`n|${locale}|${JSON.stringify(o)}`, () => new Intl.NumberFormat(locale, o));
const isNum = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A number with at most `digits` decimals (exactly `digits` when `fixed`). */
export function formatNumber(locale: FormatLocale, x: number | null | undefined, digits = 0, fixed = false): string {
  if (!isNum(x)) return NONE;
  return numberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: fixed ? digits : 0 }).format(x);
}

/** A share 0..1 as a percentage. */
export function formatPercent(locale: FormatLocale, share: number | null | undefined, digits = 0): string {
  if (!isNum(share)) return NONE;
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(share);
}

/** A quantity in a unit Intl knows (second, millisecond, hertz, megabyte, …), e.g. "3.2 sec" / "3.2秒". */
export function formatUnit(locale: FormatLocale, x: number | null | undefined, unit: string, digits = 1, display: 'short' | 'narrow' | 'long' = 'short', grouping = true): string {
  if (!isNum(x)) return NONE;
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: display, maximumFractionDigits: digits, useGrouping: grouping }).format(x);
}

/** Seconds with one decimal, from milliseconds: episode and segment lengths. */
export function formatSeconds(locale: FormatLocale, ms: number | null | undefined, digits = 1): string {
  return isNum(ms) ? formatUnit(locale, ms / 1000, 'second', digits) : NONE;
}

/** Media time as a clock, m:ss or h:mm:ss (the same in every locale), rounded to the nearest second. */
export function formatClockTime(ms: number | null | undefined): string {
  if (!isNum(ms)) return NONE;
  const total = Math.round(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** A length of time in words and units, e.g. "1 hr, 2 min" / "1小时2分钟"; under a minute in seconds. */
export function formatDurationWords(locale: FormatLocale, ms: number | null | undefined): string {
  if (!isNum(ms)) return NONE;
  const total = Math.round(Math.max(0, ms) / 1000);
  if (total < 60) return formatUnit(locale, total, 'second', 0);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(formatUnit(locale, h, 'hour', 0));
  if (m || h) parts.push(formatUnit(locale, m, 'minute', 0));
  if (!h && s) parts.push(formatUnit(locale, s, 'second', 0));
  return cached(`l|${locale}`, () => new Intl.ListFormat(locale, { type: 'unit', style: 'short' })).format(parts);
}

const dateFormat = (locale: FormatLocale, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => cached(`d|${locale}|${JSON.stringify(o)}`, () => new Intl.DateTimeFormat(locale, o));

function toDate(iso: string | Date | null | undefined): Date | null {
  if (!iso) return null;
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Local date and time to the minute. */
export function formatDateTime(locale: FormatLocale, iso: string | Date | null | undefined): string {
  const d = toDate(iso);
  if (!d) return typeof iso === 'string' && iso ? iso : NONE;
  return dateFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** Local date only (e.g. a visit on the trends page). */
export function formatDate(locale: FormatLocale, iso: string | Date | null | undefined): string {
  const d = toDate(iso);
  if (!d) return typeof iso === 'string' && iso ? iso : NONE;
  return dateFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** File sizes in binary steps (1 KB = 1024 B), one decimal below 10; unit symbols read the same everywhere. */
export function formatBytes(locale: FormatLocale, bytes: number | null | undefined): string {
  if (!isNum(bytes)) return NONE;
  if (bytes < 1024) return `${formatNumber(locale, bytes)} B`;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(locale, v, v < 10 ? 1 : 0, v < 10)} ${BYTE_UNITS[i]}`;
}
