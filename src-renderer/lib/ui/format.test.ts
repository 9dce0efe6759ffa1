import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../i18n/i18n.js';
import { formatBytes, formatClock, formatDb, formatDuration, formatMs, formatSeconds } from './format.js';

describe('format', () => {
  afterEach(() => setLanguage('en'));

  it('shows durations as mm:ss rounded to the second, and hours when needed', () => {
    expect(formatDuration(5040)).toBe('00:05');
    expect(formatDuration(4600)).toBe('00:05');
    expect(formatDuration(65_400)).toBe('01:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('—');
  });

  it('never rounds a running clock up', () => {
    expect(formatClock(4999)).toBe('00:04');
    expect(formatClock(5000)).toBe('00:05');
  });

  it('formats sizes and levels', () => {
    setLanguage('en');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatDb(-23.44, -90)).toBe('−23.4 dB');
    expect(formatDb(-90, -90)).toBe('silent');
  });

  it('writes numbers and words in the chosen language', () => {
    setLanguage('zh-CN');
    expect(formatDb(-90, -90)).toBe('静音');
    expect(formatSeconds(3200)).toBe('3.2秒');
    expect(formatBytes(12_345_678)).toBe('12 MB');
    setLanguage('en');
    expect(formatSeconds(3200)).toBe('3.2 sec');
    expect(formatBytes(1234567890)).toBe('1.1 GB');
    // Latency read-outs: digits and the unit, no separators (the live panels and their tests read them).
    expect(formatMs(1751.4)).toBe('1751 ms');
    expect(formatMs(72)).toBe('72 ms');
  });
});
