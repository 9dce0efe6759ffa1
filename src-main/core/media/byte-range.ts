/**
 * A single `bytes=` range against a file of `size` bytes: null when absent or not a single range (send the
 * whole file), 'unsatisfiable' when it lies outside the file, else inclusive start and end.
 */
export function byteRange(header: string | null | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (!m[1] && !m[2])) return null;
  const start = Math.max(0, m[1] ? Number(m[1]) : size - Number(m[2]));
  const end = Math.min(m[1] && m[2] ? Number(m[2]) : size - 1, size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}
