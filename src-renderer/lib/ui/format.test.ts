import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatDb, formatDuration } from './format.js';

describe('format', () => {
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
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatDb(-23.44, -90)).toBe('−23.4 dB');
    expect(formatDb(-90, -90)).toBe('silent');
  });
});
