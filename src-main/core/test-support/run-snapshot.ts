/**
 * Everything a run computed, without the ids a database hands out (row ids, run ids), to compare two runs of
 * the same clip analysed in different places: observations, fused timeline and episodes.
 */
import type { Db } from '../store/database.js';
import { readDerivedRows, readRunRows } from '../store/run-rows-repo.js';

type Value = number | string | null;
export type RunSnapshot = Record<string, Array<Record<string, Value>>>;

const IDS = new Set(['id', 'run_id', 'obs_id', 'face_obs_id']);

function strip(columns: string[], rows: unknown[][]): Array<Record<string, Value>> {
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] instanceof Uint8Array ? Buffer.from(r[i] as Uint8Array).toString('hex') : (r[i] as Value)]).filter(([c]) => !IDS.has(c as string))));
}

export function runSnapshot(db: Db, runId: number): RunSnapshot {
  const out: RunSnapshot = {};
  for (const [name, t] of Object.entries({ ...readRunRows(db, runId), ...readDerivedRows(db, runId) })) out[name] = strip(t.columns, t.rows);
  return out;
}

/** Differences beyond `tol` (numbers) or any difference (text, NULL), as readable lines; [] when equal. */
export function snapshotDiff(a: RunSnapshot, b: RunSnapshot, tol = 1e-6): string[] {
  const diffs: string[] = [];
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const ra = a[table] ?? [];
    const rb = b[table] ?? [];
    if (ra.length !== rb.length) {
      diffs.push(`${table}: ${ra.length} rows vs ${rb.length}`);
      continue;
    }
    ra.forEach((row, i) => {
      for (const [col, va] of Object.entries(row)) {
        const vb = rb[i][col];
        const same = typeof va === 'number' && typeof vb === 'number' ? Math.abs(va - vb) <= tol || (Number.isNaN(va) && Number.isNaN(vb)) : va === vb;
        if (!same && diffs.length < 20) diffs.push(`${table}[${i}].${col}: ${String(va)} vs ${String(vb)}`);
      }
    });
  }
  return diffs;
}

/** How many rows the snapshot holds per table (a test checks it compared something). */
export function snapshotSizes(s: RunSnapshot): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.length]));
}
