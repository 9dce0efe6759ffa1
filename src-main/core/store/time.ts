/** Wall-clock timestamps are stored as ISO 8601 UTC text. */
export function nowIso(): string {
  return new Date().toISOString();
}
