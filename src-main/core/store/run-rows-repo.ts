/**
 * A run's observation rows as plain tables, to carry them from one data folder to another (a queue worker's
 * scratch folder to the submitter's). Which tables and columns: read from the schema itself, so a modality that
 * adds a table (with its migration) travels without a change here. Derived rows (the fused timeline and its
 * episodes) are left out: the receiving side fuses the observations again with the run's own settings.
 *
 * Row ids are not carried: a table's own INTEGER PRIMARY KEY is given anew on insert, in the original order, and
 * columns that point at another observation table's id (e.g. face_geometry.obs_id → face_obs.id) are mapped to
 * the new ids.
 */
import type { Db } from './database.js';

/** Recomputed from the observations by fusion; never carried. */
const DERIVED = new Set(['fused', 'episode']);

export type Cell = number | string | Uint8Array | null;

export interface RunTable {
  columns: string[];
  rows: Cell[][];
}

interface TableShape {
  name: string;
  /** Every column except run_id, in table order. */
  columns: string[];
  /** The table's own INTEGER PRIMARY KEY (given anew on insert), if it has one and it is no reference. */
  ownId: string | null;
  /** Columns holding another observation table's id. */
  refs: Array<{ column: string; table: string }>;
  orderBy: string;
}

export class RunRowsError extends Error {}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The observation tables of runs, parents before the tables that point at them. */
export function observationTables(db: Db): TableShape[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const shapes: TableShape[] = [];
  for (const name of names) {
    const fks = db.prepare(`PRAGMA foreign_key_list(${q(name)})`).all() as Array<{ table: string; from: string; to: string | null; on_delete: string }>;
    // A run's own rows go with it (ON DELETE CASCADE); rows that merely mention a run (queue_job) are not its.
    const runFk = fks.find((f) => f.table === 'analysis_run' && f.from === 'run_id' && f.on_delete.toUpperCase() === 'CASCADE');
    if (!runFk || DERIVED.has(name)) continue;
    const info = db.prepare(`PRAGMA table_info(${q(name)})`).all() as Array<{ name: string; type: string; pk: number }>;
    const refs = fks.filter((f) => f.table !== 'analysis_run').map((f) => ({ column: f.from, table: f.table }));
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const ownId = pk.length === 1 && pk[0].type.toUpperCase() === 'INTEGER' && !refs.some((r) => r.column === pk[0].name) ? pk[0].name : null;
    const withoutRowid = /WITHOUT\s+ROWID/i.test((db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql);
    shapes.push({
      name,
      columns: info.map((c) => c.name).filter((c) => c !== 'run_id'),
      ownId,
      refs,
      orderBy: withoutRowid ? pk.map((c) => q(c.name)).join(', ') : 'rowid',
    });
  }
  // Parents first: a table is placed once every observation table it points at is placed.
  const ordered: TableShape[] = [];
  const pending = [...shapes];
  while (pending.length) {
    const i = pending.findIndex((t) => t.refs.every((r) => r.table === t.name || ordered.some((o) => o.name === r.table) || !shapes.some((s) => s.name === r.table)));
    if (i < 0) throw new RunRowsError(`observation tables point at each other in a circle: ${pending.map((t) => t.name).join(', ')}`);
    ordered.push(pending.splice(i, 1)[0]);
  }
  return ordered;
}

/** Every observation row of a run, table by table, in the order they were stored. */
export function readRunRows(db: Db, runId: number): Record<string, RunTable> {
  const out: Record<string, RunTable> = {};
  for (const t of observationTables(db)) {
    const rows = db
      .prepare(`SELECT ${t.columns.map(q).join(', ')} FROM ${q(t.name)} WHERE run_id = ? ORDER BY ${t.orderBy}`)
      .raw()
      .all(runId) as Cell[][];
    out[t.name] = { columns: t.columns, rows: rows.map((r) => r.map((c) => (Buffer.isBuffer(c) ? new Uint8Array(c) : c))) };
  }
  return out;
}

/**
 * Refuses tables whose shape differs from this data folder's (another schema version): nothing is guessed.
 * Returns the problem in words, or null.
 */
export function runRowsMismatch(db: Db, tables: Readonly<Record<string, RunTable>>): string | null {
  const local = observationTables(db);
  const theirs = Object.keys(tables).sort();
  const ours = local.map((t) => t.name).sort();
  if (theirs.join() !== ours.join()) return `observation tables differ (bundle: ${theirs.join(', ') || 'none'}; here: ${ours.join(', ')})`;
  for (const t of local) {
    const cols = tables[t.name].columns;
    if (cols.join() !== t.columns.join()) return `columns of ${t.name} differ (bundle: ${cols.join(', ')}; here: ${t.columns.join(', ')})`;
    const bad = tables[t.name].rows.findIndex((r) => r.length !== cols.length);
    if (bad >= 0) return `row ${bad + 1} of ${t.name} has ${tables[t.name].rows[bad].length} cells for ${cols.length} columns`;
  }
  return null;
}

/** Stores rows read by readRunRows under `runId` (call inside the caller's transaction). */
export function writeRunRows(db: Db, runId: number, tables: Readonly<Record<string, RunTable>>): number {
  const why = runRowsMismatch(db, tables);
  if (why) throw new RunRowsError(why);
  const newIds = new Map<string, Map<number, number>>();
  let n = 0;
  for (const t of observationTables(db)) {
    const cols = t.columns.filter((c) => c !== t.ownId);
    const stmt = db.prepare(`INSERT INTO ${q(t.name)} (run_id, ${cols.map(q).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`);
    const idAt = t.ownId === null ? -1 : t.columns.indexOf(t.ownId);
    const mapped = t.refs.map((r) => ({ at: t.columns.indexOf(r.column), ids: newIds.get(r.table), table: r.table, column: r.column }));
    const keep = t.columns.map((c, i) => (c === t.ownId ? -1 : i)).filter((i) => i >= 0);
    const ids = new Map<number, number>();
    for (const row of tables[t.name].rows) {
      const cells = row.map((c) => (c instanceof Uint8Array ? Buffer.from(c.buffer, c.byteOffset, c.byteLength) : c));
      for (const m of mapped) {
        const old = cells[m.at];
        if (old === null || !m.ids) continue;
        const now = m.ids.get(old as number);
        if (now === undefined) throw new RunRowsError(`${t.name}.${m.column} = ${String(old)} points at no ${m.table} row of the run`);
        cells[m.at] = now;
      }
      const info = stmt.run(runId, ...keep.map((i) => cells[i]));
      if (idAt >= 0) ids.set(row[idAt] as number, Number(info.lastInsertRowid));
      n++;
    }
    newIds.set(t.name, ids);
  }
  return n;
}

/** A run's derived rows (fused timeline, episodes) as tables, in time order: for comparing runs. */
export function readDerivedRows(db: Db, runId: number): Record<string, RunTable> {
  const out: Record<string, RunTable> = {};
  for (const [name, order] of [['fused', 't_ms'], ['episode', 'start_ms, emotion']] as const) {
    const stmt = db.prepare(`SELECT * FROM ${name} WHERE run_id = ? ORDER BY ${order}`);
    out[name] = { columns: stmt.columns().map((c) => c.name), rows: stmt.raw().all(runId) as Cell[][] };
  }
  return out;
}
