/**
 * Waits for a condition a test cannot be told about (a job reaching Redis, a worker picking it up), polling every
 * 200 ms; fails with what it waited for after `ms`. The limit is generous so a loaded machine does not fail a test
 * that a quiet one passes.
 */
export async function until<T>(what: string, f: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
