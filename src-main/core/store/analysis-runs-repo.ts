import { type AnalysisParams, type AnalysisRun, DEFAULT_ANALYSIS_PARAMS, type RunModel, type RunStatus, storedAnalysisParamsSchema } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface RunRow {
  id: number;
  session_id: number;
  media_file_id: number | null;
  mode: 'live' | 'offline';
  status: RunStatus;
  provider: string | null;
  provider_detail: string | null;
  models: string;
  params: string;
  software_version: string;
  started_at: string;
  ended_at: string | null;
  progress_ms: number;
  error: string | null;
  media_duration_ms: number | null;
  face_progress_ms: number | null;
  voice_progress_ms: number | null;
  fused_rows: number;
  episode_count: number;
}

export interface NewRun {
  sessionId: number;
  mediaFileId: number | null;
  mode: 'live' | 'offline';
  params: AnalysisParams;
  softwareVersion: string;
  mediaDurationMs: number | null;
}

/** Per-modality progress of an offline run, so a resumed run skips what is already stored. */
export interface RunProgress {
  /** Media time every modality has stored up to. */
  progressMs: number;
  /** Per modality: media time its stored results cover; null before its first commit. */
  modalities: Record<string, number | null>;
}

/** Where each modality's resume point is kept (a new modality adds its column in a migration, and here). */
const PROGRESS_COLUMNS: Readonly<Record<string, string>> = { face: 'face_progress_ms', voice: 'voice_progress_ms' };

function progressColumn(modality: string): string {
  const c = PROGRESS_COLUMNS[modality];
  if (!c) throw new Error(`analysis_run has no progress column for modality "${modality}"`);
  return c;
}

const SELECT = `SELECT r.*, (SELECT COUNT(*) FROM fused f WHERE f.run_id = r.id) AS fused_rows,
                (SELECT COUNT(*) FROM episode e WHERE e.run_id = r.id) AS episode_count FROM analysis_run r`;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * A run's stored settings. They were validated before they were stored; a row that does not parse (written by
 * hand, or by a build with other settings) reads as the defaults rather than failing every reader. A run stored
 * before fusion had a `rule` reads as linear, the rule it was fused with.
 */
export function parseParams(text: string): AnalysisParams {
  const parsed = storedAnalysisParamsSchema.safeParse(parseJson<unknown>(text, {}));
  return parsed.success ? parsed.data : DEFAULT_ANALYSIS_PARAMS;
}

const toRun = (r: RunRow): AnalysisRun => ({
  id: r.id,
  sessionId: r.session_id,
  mediaFileId: r.media_file_id,
  mode: r.mode,
  status: r.status,
  provider: r.provider,
  providerDetail: r.provider_detail,
  models: parseJson<RunModel[]>(r.models, []),
  params: parseParams(r.params),
  softwareVersion: r.software_version,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  progressMs: r.progress_ms,
  mediaDurationMs: r.media_duration_ms,
  error: r.error,
  fusedRows: r.fused_rows,
  episodeCount: r.episode_count,
});

/** analysis_run rows: one per analysis of a media file; re-analysing adds a run, never overwrites one. */
export class AnalysisRunsRepo {
  constructor(private readonly db: Db) {}

  create(run: NewRun): AnalysisRun {
    const info = this.db
      .prepare(
        `INSERT INTO analysis_run (session_id, media_file_id, mode, status, params, software_version, started_at, media_duration_ms)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(run.sessionId, run.mediaFileId, run.mode, JSON.stringify(run.params), run.softwareVersion, nowIso(), run.mediaDurationMs);
    return this.get(Number(info.lastInsertRowid));
  }

  get(id: number): AnalysisRun {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
    if (!row) throw apiError('not_found', 'errors.runNotFound', { id });
    return toRun(row);
  }

  progress(id: number): RunProgress {
    const r = this.db.prepare(`SELECT progress_ms, ${Object.values(PROGRESS_COLUMNS).join(', ')} FROM analysis_run WHERE id = ?`).get(id) as
      | Record<string, number | null>
      | undefined;
    if (!r) throw apiError('not_found', 'errors.runNotFound', { id });
    return { progressMs: r.progress_ms as number, modalities: Object.fromEntries(Object.entries(PROGRESS_COLUMNS).map(([m, c]) => [m, r[c]])) };
  }

  listForSession(sessionId: number): AnalysisRun[] {
    return (this.db.prepare(`${SELECT} WHERE r.session_id = ? ORDER BY r.id DESC`).all(sessionId) as RunRow[]).map(toRun);
  }

  /** The newest complete run of a session (what an export uses unless told otherwise), or null. */
  latestComplete(sessionId: number): AnalysisRun | null {
    const row = this.db.prepare(`${SELECT} WHERE r.session_id = ? AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1`).get(sessionId) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  setModels(id: number, fields: { provider: string | null; providerDetail: string | null; models: RunModel[] }): void {
    this.db
      .prepare('UPDATE analysis_run SET provider = ?, provider_detail = ?, models = ? WHERE id = ?')
      .run(fields.provider, fields.providerDetail, JSON.stringify(fields.models), id);
  }

  /** The media duration as measured when the run executes (the media list's figure may be missing). */
  setMediaDuration(id: number, durationMs: number): void {
    this.db.prepare('UPDATE analysis_run SET media_duration_ms = ? WHERE id = ?').run(durationMs, id);
  }

  /** Sets the overall progress and, when given, one modality's. */
  setProgress(id: number, p: { progressMs?: number; modality?: { name: string; doneMs: number } }): void {
    if (p.modality) {
      this.db
        .prepare(`UPDATE analysis_run SET progress_ms = COALESCE(?, progress_ms), ${progressColumn(p.modality.name)} = ? WHERE id = ?`)
        .run(p.progressMs ?? null, p.modality.doneMs, id);
    } else if (p.progressMs !== undefined) {
      this.db.prepare('UPDATE analysis_run SET progress_ms = ? WHERE id = ?').run(p.progressMs, id);
    }
  }

  /** Back to 'running' for a resume; the stored progress stays. */
  reopen(id: number): void {
    this.db.prepare("UPDATE analysis_run SET status = 'running', ended_at = NULL, error = NULL WHERE id = ?").run(id);
  }

  finish(id: number, status: Exclude<RunStatus, 'running'>, error: string | null = null): AnalysisRun {
    this.db.prepare('UPDATE analysis_run SET status = ?, ended_at = ?, error = ? WHERE id = ?').run(status, nowIso(), error, id);
    return this.get(id);
  }

  /**
   * Runs still marked running when a data folder is opened belong to a process that ended without finishing
   * them (one process per folder): they become incomplete and can be resumed.
   */
  markInterrupted(why: string): AnalysisRun[] {
    const ids = (this.db.prepare("SELECT id FROM analysis_run WHERE status = 'running'").all() as { id: number }[]).map((r) => r.id);
    for (const id of ids) this.finish(id, 'incomplete', why);
    return ids.map((id) => this.get(id));
  }

  /** Deletes a run with everything computed in it (observations, fused rows, episodes cascade). */
  delete(id: number): void {
    const info = this.db.prepare('DELETE FROM analysis_run WHERE id = ?').run(id);
    if (!info.changes) throw apiError('not_found', 'errors.runNotFound', { id });
  }
}
