/** The work queue's rows (migration 010): batches and their items. */
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { BatchKind, ItemState } from '../../../src-shared/contract/batch.js';
import type { Note } from '../../../src-shared/i18n/notes.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

export interface BatchOptions {
  analyse?: boolean;
  outDir?: string;
  bom?: boolean;
}

export interface BatchRow {
  id: number;
  kind: BatchKind;
  executor: string;
  operatorId: number | null;
  participantId: number | null;
  participantCode: string | null;
  protocol: string | null;
  options: BatchOptions;
  createdAt: string;
}

export interface ItemRow {
  id: number;
  batchId: number;
  seq: number;
  label: string | null;
  bytes: number | null;
  state: ItemState;
  fraction: number;
  /** What the queue says about the item (why it failed, a warning), as catalogue entries. */
  notes: Note[];
  sessionId: number | null;
  mediaFileId: number | null;
  runId: number | null;
  sha256: string | null;
  durationMs: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

interface RawBatch {
  id: number;
  kind: BatchKind;
  executor: string;
  operator_id: number | null;
  participant_id: number | null;
  participant_code: string | null;
  protocol: string | null;
  options: string;
  created_at: string;
}

interface RawItem {
  id: number;
  batch_id: number;
  seq: number;
  label: string | null;
  bytes: number | null;
  state: ItemState;
  fraction: number;
  notes: string | null;
  session_id: number | null;
  media_file_id: number | null;
  run_id: number | null;
  sha256: string | null;
  duration_ms: number | null;
  started_at: string | null;
  finished_at: string | null;
}

const toBatch = (r: RawBatch): BatchRow => ({
  id: r.id,
  kind: r.kind,
  executor: r.executor,
  operatorId: r.operator_id,
  participantId: r.participant_id,
  participantCode: r.participant_code,
  protocol: r.protocol,
  options: JSON.parse(r.options) as BatchOptions,
  createdAt: r.created_at,
});

const toItem = (r: RawItem): ItemRow => ({
  id: r.id,
  batchId: r.batch_id,
  seq: r.seq,
  label: r.label,
  bytes: r.bytes,
  state: r.state,
  fraction: r.fraction,
  notes: parseNotes(r.notes),
  sessionId: r.session_id,
  mediaFileId: r.media_file_id,
  runId: r.run_id,
  sha256: r.sha256,
  durationMs: r.duration_ms,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** Notes as stored: a JSON list of {key, vars}; anything else (a damaged row) reads as none. */
function parseNotes(text: string | null): Note[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((n): n is Note => typeof n === 'object' && n !== null && typeof (n as Note).key === 'string') : [];
  } catch {
    return [];
  }
}

const BATCH = `SELECT b.*, p.code AS participant_code FROM batch b LEFT JOIN participant p ON p.id = b.participant_id`;

/** Steps in progress when the process stopped: resumed from there. */
const RUNNING: readonly ItemState[] = ['importing', 'converting', 'analysing', 'exporting'];

export interface NewBatch {
  kind: BatchKind;
  executor: string;
  operatorId: number | null;
  participantId?: number | null;
  protocol?: string | null;
  options: BatchOptions;
  items: Array<{ label?: string | null; bytes?: number | null; sessionId?: number | null; durationMs?: number | null; state: ItemState }>;
}

export type ItemUpdate = Partial<Pick<ItemRow, 'state' | 'fraction' | 'notes' | 'sessionId' | 'mediaFileId' | 'runId' | 'sha256' | 'durationMs'>>;

const COLUMN: Record<keyof ItemUpdate, string> = {
  state: 'state',
  fraction: 'fraction',
  notes: 'notes',
  sessionId: 'session_id',
  mediaFileId: 'media_file_id',
  runId: 'run_id',
  sha256: 'sha256',
  durationMs: 'duration_ms',
};

export class BatchRepo {
  constructor(private readonly db: Db) {}

  create(b: NewBatch): BatchRow {
    return this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO batch (kind, executor, operator_id, participant_id, protocol, options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(b.kind, b.executor, b.operatorId, b.participantId ?? null, b.protocol ?? null, JSON.stringify(b.options), nowIso());
      const id = Number(info.lastInsertRowid);
      const insert = this.db.prepare('INSERT INTO batch_item (batch_id, seq, label, bytes, state, session_id, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const [seq, it] of b.items.entries()) insert.run(id, seq, it.label ?? null, it.bytes ?? null, it.state, it.sessionId ?? null, it.durationMs ?? null);
      return this.get(id);
    })();
  }

  get(id: number): BatchRow {
    const r = this.db.prepare(`${BATCH} WHERE b.id = ?`).get(id) as RawBatch | undefined;
    if (!r) throw apiError('not_found', 'errors.batch.notFound', { id });
    return toBatch(r);
  }

  list(): BatchRow[] {
    return (this.db.prepare(`${BATCH} ORDER BY b.id DESC`).all() as RawBatch[]).map(toBatch);
  }

  items(batchId: number): ItemRow[] {
    return (this.db.prepare('SELECT * FROM batch_item WHERE batch_id = ? ORDER BY seq').all(batchId) as RawItem[]).map(toItem);
  }

  item(id: number): ItemRow {
    const r = this.db.prepare('SELECT * FROM batch_item WHERE id = ?').get(id) as RawItem | undefined;
    if (!r) throw apiError('not_found', 'errors.batch.itemNotFound', { id });
    return toItem(r);
  }

  exists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM batch_item WHERE id = ?').get(id) !== undefined;
  }

  /** The next item to work on: steps interrupted by a stop first, then queued ones, oldest batch first. */
  next(skip: ReadonlySet<number> = new Set()): ItemRow | null {
    const rows = this.db
      .prepare(
        `SELECT * FROM batch_item WHERE state IN ('queued', ${RUNNING.map((s) => `'${s}'`).join(', ')})
         ORDER BY CASE WHEN state = 'queued' THEN 1 ELSE 0 END, batch_id, seq LIMIT ?`,
      )
      .all(skip.size + 1) as RawItem[];
    const r = rows.find((x) => !skip.has(x.id));
    return r ? toItem(r) : null;
  }

  update(id: number, u: ItemUpdate): ItemRow {
    const keys = Object.keys(u) as Array<keyof ItemUpdate>;
    if (keys.length) {
      const sets = keys.map((k) => `${COLUMN[k]} = ?`);
      const values = keys.map((k) => (k === 'notes' ? (u.notes?.length ? JSON.stringify(u.notes) : null) : (u[k] ?? null)) as string | number | null);
      if (u.state && ['done', 'failed', 'cancelled'].includes(u.state)) sets.push(`finished_at = '${nowIso()}'`);
      else if (u.state && u.state !== 'waiting' && u.state !== 'queued') sets.push(`started_at = COALESCE(started_at, '${nowIso()}')`);
      this.db.prepare(`UPDATE batch_item SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    }
    return this.item(id);
  }

  /** Every unfinished item of a batch becomes cancelled; returns their ids. */
  cancelUnfinished(batchId: number, notes: readonly Note[]): number[] {
    const ids = (
      this.db.prepare("SELECT id FROM batch_item WHERE batch_id = ? AND state NOT IN ('done','failed','cancelled')").all(batchId) as Array<{ id: number }>
    ).map((r) => r.id);
    this.db
      .prepare(`UPDATE batch_item SET state = 'cancelled', notes = ?, finished_at = ? WHERE batch_id = ? AND state NOT IN ('done','failed','cancelled')`)
      .run(JSON.stringify(notes), nowIso(), batchId);
    return ids;
  }

  remove(batchId: number): void {
    this.db.prepare('DELETE FROM batch WHERE id = ?').run(batchId);
  }

  /** Ids of every item, for clearing files of items that no longer exist (a deleted participant's). */
  allItemIds(): Set<number> {
    return new Set((this.db.prepare('SELECT id FROM batch_item').all() as Array<{ id: number }>).map((r) => r.id));
  }
}
