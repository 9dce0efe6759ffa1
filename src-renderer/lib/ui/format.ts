/** The interface's formatting in the current language (src-shared/i18n/format.ts does the work, with Intl). */
import * as f from '../../../src-shared/i18n/format.js';
import { formatLocale as locale, t } from '../i18n/i18n.js';

/** Durations as m:ss (or h:mm:ss), rounded to the nearest second; null reads as an em dash. */
export function formatDuration(ms: number | null | undefined): string {
  return f.formatClockTime(ms);
}

/** Elapsed recording time, truncated (a clock does not round up). */
export function formatClock(ms: number): string {
  return f.formatClockTime(Math.floor(Math.max(0, ms) / 1000) * 1000);
}

export function formatBytes(bytes: number | null | undefined): string {
  return f.formatBytes(locale(), bytes);
}

/** Local date and time, to the minute, as the interface language writes it. */
export function formatDateTime(iso: string | null | undefined): string {
  return f.formatDateTime(locale(), iso);
}

export function formatDate(iso: string | null | undefined): string {
  return f.formatDate(locale(), iso);
}

export function formatNumber(x: number | null | undefined, digits = 0, fixed = false): string {
  return f.formatNumber(locale(), x, digits, fixed);
}

export function formatPercent(share: number | null | undefined, digits = 0): string {
  return f.formatPercent(locale(), share, digits);
}

/** Seconds from milliseconds, e.g. "3.2 sec" / "3.2秒". */
export function formatSeconds(ms: number | null | undefined, digits = 1): string {
  return f.formatSeconds(locale(), ms, digits);
}

/** Milliseconds as a unit, e.g. "72 ms" / "72毫秒"; a read-out, so no thousands separator ("1751 ms"). */
export function formatMs(ms: number | null | undefined): string {
  return f.formatUnit(locale(), ms === null || ms === undefined ? ms : Math.round(ms), 'millisecond', 0, 'short', false);
}

/** Level in dB with one decimal, using a true minus sign; the floor reads as "silent". */
export function formatDb(db: number, floor: number): string {
  if (!Number.isFinite(db) || db <= floor) return t('format.silent');
  return t('format.db', { value: f.formatNumber(locale(), db, 1, true).replace('-', '−') });
}

/** A rate, e.g. "9 Hz" (Intl has no hertz unit; the symbol reads the same in both languages). */
export function formatHz(hz: number | null | undefined): string {
  // not-ui: the unit symbol
  return hz === null || hz === undefined || !Number.isFinite(hz) ? f.NONE : `${f.formatNumber(locale(), hz)} Hz`;
}
