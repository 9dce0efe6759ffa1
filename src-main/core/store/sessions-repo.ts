import type { MediaFile, Session, SessionStatus } from '../../../src-shared/domain.js';
import type { Db } from './database.js';
import { type RecordingStats, recordingStatsSchema } from '../../../src-shared/recording-stats.js';
import { nowIso } from './time.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface SessionRow {
  id: number;
  participant_id: number;
  participant_code: string;
  protocol: string;
  operator: string;
  operator_id: number | null;
  operator_name: string | null;
  note: string;
  status: SessionStatus;
  keep_video: number | null;
  keep_audio: number | null;
  recording_stats: string | null;
  status_detail: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
}

interface MediaRow {
  id: number;
  session_id: number;
  kind: 'recording' | 'import';
  file_name: string;
  mime_type: string;
  bytes: number;
  duration_ms: number | null;
  has_video: number;
  has_audio: number;
  created_at: string;
  playable: number | null;
  derived_from: number | null;
  sha256: string | null;
  source_sha256: string | null;
}

function parseStats(json: string | null): RecordingStats | null {
  if (json === null) return null;
  const r = recordingStatsSchema.safeParse(JSON.parse(json));
  return r.success ? r.data : null;
}

const SELECT = `SELECT s.*, p.code AS participant_code, o.display_name AS operator_name
                FROM session s JOIN participant p ON p.id = s.participant_id LEFT JOIN operator o ON o.id = s.operator_id`;

const toMedia = (r: MediaRow): MediaFile => ({
  id: r.id,
  sessionId: r.session_id,
  kind: r.kind,
  fileName: r.file_name,
  mimeType: r.mime_type,
  bytes: r.bytes,
  durationMs: r.duration_ms,
  hasVideo: r.has_video === 1,
  hasAudio: r.has_audio === 1,
  createdAt: r.created_at,
  playable: r.playable === null ? null : r.playable === 1,
  derivedFrom: r.derived_from,
  sha256: r.sha256,
  sourceSha256: r.source_sha256,
});

export interface NewSession {
  participantId: number;
  protocol: string;
  /** The operator profile creating the session; null only for sessions made by the system. */
  operatorId: number | null;
  note: string;
}

export interface NewMedia {
  sessionId: number;
  kind: 'recording' | 'import';
  fileName: string;
  mimeType: string;
  bytes: number;
  durationMs: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
  /** SHA-256 of the content (imports: stored instead of the original file name). */
  sha256?: string | null;
  /** Whether the app plays the file as it is (imports are checked; recordings are WebM the browser made). */
  playable?: boolean | null;
  /** A playable copy: the original it was made from, and that original's SHA-256. */
  derivedFrom?: number | null;
  sourceSha256?: string | null;
}

export class SessionsRepo {
  constructor(private readonly db: Db) {}

  private mediaFor(ids: number[]): Map<number, MediaFile[]> {
    const out = new Map<number, MediaFile[]>();
    if (!ids.length) return out;
    const rows = this.db
      .prepare(`SELECT * FROM media_file WHERE session_id IN (${ids.map(() => '?').join(',')}) ORDER BY id`)
      .all(...ids) as MediaRow[];
    for (const r of rows) {
      const list = out.get(r.session_id) ?? [];
      list.push(toMedia(r));
      out.set(r.session_id, list);
    }
    return out;
  }

  private toSessions(rows: SessionRow[]): Session[] {
    const media = this.mediaFor(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      participantId: r.participant_id,
      participantCode: r.participant_code,
      protocol: r.protocol,
      operatorId: r.operator_id,
      operator: r.operator_name ?? r.operator,
      note: r.note,
      status: r.status,
      statusDetail: r.status_detail,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      durationMs: r.duration_ms,
      media: media.get(r.id) ?? [],
      keep: r.keep_video === null || r.keep_audio === null ? null : { video: r.keep_video === 1, audio: r.keep_audio === 1 },
      recordingStats: parseStats(r.recording_stats),
    }));
  }

  list(filter: { participantId?: number } = {}): Session[] {
    const rows =
      filter.participantId === undefined
        ? (this.db.prepare(`${SELECT} ORDER BY s.created_at DESC, s.id DESC`).all() as SessionRow[])
        : (this.db.prepare(`${SELECT} WHERE s.participant_id = ? ORDER BY s.created_at DESC, s.id DESC`).all(filter.participantId) as SessionRow[]);
    return this.toSessions(rows);
  }

  get(id: number): Session {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as SessionRow | undefined;
    if (!row) throw apiError('not_found', 'errors.sessionNotFound', { id });
    return this.toSessions([row])[0];
  }

  listByStatus(status: SessionStatus): Session[] {
    return this.toSessions(this.db.prepare(`${SELECT} WHERE s.status = ? ORDER BY s.id`).all(status) as SessionRow[]);
  }

  create(s: NewSession): Session {
    const exists = this.db.prepare('SELECT 1 FROM participant WHERE id = ?').get(s.participantId);
    if (!exists) throw apiError('not_found', 'errors.participantNotFound', { id: s.participantId });
    const info = this.db
      .prepare("INSERT INTO session (participant_id, protocol, operator, operator_id, note, created_at) VALUES (?, ?, '', ?, ?, ?)")
      .run(s.participantId, s.protocol, s.operatorId, s.note, nowIso());
    return this.get(Number(info.lastInsertRowid));
  }

  updateNote(id: number, note: string): Session {
    this.get(id);
    this.db.prepare('UPDATE session SET note = ? WHERE id = ?').run(note, id);
    return this.get(id);
  }

  markRecording(id: number, startedAt: string, keep: { video: boolean; audio: boolean } = { video: true, audio: true }): void {
    this.db
      .prepare("UPDATE session SET status = 'recording', started_at = ?, status_detail = NULL, keep_video = ?, keep_audio = ? WHERE id = ?")
      .run(startedAt, +keep.video, +keep.audio, id);
  }

  markEnded(id: number, fields: { status: SessionStatus; endedAt: string; durationMs: number | null; detail: string | null }): void {
    this.db
      .prepare('UPDATE session SET status = ?, ended_at = ?, duration_ms = ?, status_detail = ? WHERE id = ?')
      .run(fields.status, fields.endedAt, fields.durationMs, fields.detail, id);
  }

  addMedia(m: NewMedia): MediaFile {
    this.db
      .prepare(
        `INSERT INTO media_file (session_id, kind, file_name, mime_type, bytes, duration_ms, has_video, has_audio, created_at, sha256, playable, derived_from, source_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, file_name) DO UPDATE SET bytes = excluded.bytes, duration_ms = excluded.duration_ms,
           has_video = excluded.has_video, has_audio = excluded.has_audio, mime_type = excluded.mime_type, sha256 = excluded.sha256,
           playable = excluded.playable, derived_from = excluded.derived_from, source_sha256 = excluded.source_sha256`,
      )
      .run(
        m.sessionId, m.kind, m.fileName, m.mimeType, m.bytes, m.durationMs, m.hasVideo ? 1 : 0, m.hasAudio ? 1 : 0, nowIso(), m.sha256 ?? null,
        m.playable === undefined || m.playable === null ? null : +m.playable, m.derivedFrom ?? null, m.sourceSha256 ?? null,
      );
    const row = this.db.prepare('SELECT * FROM media_file WHERE session_id = ? AND file_name = ?').get(m.sessionId, m.fileName) as MediaRow;
    return toMedia(row);
  }

  /** Keeps what the camera delivered while the session was recorded (numbers only). */
  setRecordingStats(id: number, stats: RecordingStats): void {
    this.db.prepare('UPDATE session SET recording_stats = ? WHERE id = ?').run(JSON.stringify(recordingStatsSchema.parse(stats)), id);
  }

  /** Forgets one media file of a session (its file is the caller's to remove). */
  removeMedia(mediaFileId: number): void {
    this.db.prepare('DELETE FROM media_file WHERE id = ?').run(mediaFileId);
  }

  /** Whether an analysis run was made from this media file (it is then kept: the run names it). */
  mediaAnalysed(mediaFileId: number): boolean {
    return this.db.prepare('SELECT 1 FROM analysis_run WHERE media_file_id = ? LIMIT 1').get(mediaFileId) !== undefined;
  }

  /** Whether a file the app could not play has been checked (for files imported before playability was). */
  setPlayable(mediaFileId: number, playable: boolean): void {
    this.db.prepare('UPDATE media_file SET playable = ? WHERE id = ?').run(+playable, mediaFileId);
  }

  hasMedia(sessionId: number, fileName: string): boolean {
    return this.db.prepare('SELECT 1 FROM media_file WHERE session_id = ? AND file_name = ?').get(sessionId, fileName) !== undefined;
  }
}
