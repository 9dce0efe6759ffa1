import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../src-shared/domain.js';
import type { KeepMedia } from '../../../src-shared/governance.js';
import { lastLiveObservationMs } from '../store/live-extent.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { nowIso } from '../store/time.js';
import { ensureDiskReserve, isDiskFull, releaseDiskReserve } from './disk-space.js';
import { ClearMediaStore, type MediaStore, type RecordingJournal } from '../crypto/media-store.js';
import { finalizeRecording } from './finalize-recording.js';
import { RECORDING_PART, sessionFolder } from './session-folder.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface ActiveRecording {
  sessionId: number;
  owner: string;
  /** Null when the session keeps no media: nothing is written, only the live analysis is stored. */
  mimeType: string | null;
  /** Where the chunks go (encrypted in an encrypted folder); null for a session that keeps no media. */
  journal: RecordingJournal | null;
  /** performance.now() at start, to bound a media-less session's duration. */
  startedPerf: number;
  operatorId: number | null;
  nextSeq: number;
  bytes: number;
  chunks: number;
}

export interface RecordingEvents {
  sessionChanged(session: Session): void;
  progress(p: { sessionId: number; bytesWritten: number; chunks: number }): void;
}

/**
 * What the audit trail records of a recording (handlers/recording.ts writes it). Called inside the
 * transaction that changes the session, so the trail and the session never disagree.
 */
export interface RecordingAudit {
  started(sessionId: number, e: { keep: KeepMedia; operatorId: number | null }): void;
  /** `operatorId`: who stopped it; a recovered recording was ended by the app itself. */
  ended(sessionId: number, e: { status: 'completed' | 'recovered'; bytes: number; durationMs: number | null; operatorId: number | null }): void;
}

/**
 * Streams MediaRecorder chunks straight to the session folder (never held in memory) and syncs each one to
 * disk, so whatever arrived before a crash is on disk. A session left in 'recording' is finalized as
 * 'recovered' at the next start or when its renderer goes away.
 */
export class RecordingManager {
  private readonly active = new Map<number, ActiveRecording>();
  private readonly finalizing = new Map<number, Promise<Session>>();

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionsRepo,
    private readonly dataDir: string,
    private readonly events: RecordingEvents,
    private readonly audit: RecordingAudit,
    private readonly media: MediaStore = new ClearMediaStore(),
  ) {}

  isRecording(sessionId: number): boolean {
    return this.active.has(sessionId);
  }

  /**
   * Opens the session's recording. `keep` says which media go to disk; with neither, no file (not even a
   * temporary one) is created and the session's duration comes from the recording clock at stop.
   */
  start(sessionId: number, mimeType: string | null, owner: string, keep: KeepMedia = { video: true, audio: true }, operatorId: number | null = null): Session {
    const session = this.sessions.get(sessionId);
    if (this.active.has(sessionId) || session.status === 'recording') throw apiError('conflict', 'errors.alreadyRecording');
    if (session.status !== 'created') {
      throw apiError('conflict', 'errors.alreadyHasRecording');
    }
    const keepsMedia = keep.video || keep.audio;
    if (keepsMedia && !mimeType) throw apiError('invalid_input', 'errors.recording.needsMimeType');
    if (keepsMedia && mimeType && /^audio\//i.test(mimeType) === keep.video) {
      throw apiError('invalid_input', keep.video ? 'errors.recording.videoWebm' : 'errors.recording.audioWebm');
    }
    let journal: RecordingJournal | null = null;
    if (keepsMedia) {
      const folder = sessionFolder(this.dataDir, sessionId);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const part = path.join(folder, RECORDING_PART);
      // A session that never started holds no acknowledged chunk: a part file there is a leftover of a start
      // that failed after creating it.
      if (existsSync(part)) rmSync(part);
      journal = this.media.createJournal(part);
    }
    const startedAt = nowIso();
    this.db.transaction(() => {
      this.sessions.markRecording(sessionId, startedAt, keep);
      this.audit.started(sessionId, { keep, operatorId });
    })();
    this.active.set(sessionId, { sessionId, owner, mimeType: keepsMedia ? mimeType : null, journal, startedPerf: performance.now(), operatorId, nextSeq: 0, bytes: 0, chunks: 0 });
    const updated = this.sessions.get(sessionId);
    this.events.sessionChanged(updated);
    return updated;
  }

  chunk(sessionId: number, seq: number, data: Uint8Array): { bytesWritten: number; chunks: number } {
    const rec = this.active.get(sessionId);
    if (!rec) throw apiError('conflict', 'errors.notRecording');
    if (rec.journal === null) throw apiError('conflict', 'errors.recording.noMedia');
    if (seq < rec.nextSeq) return { bytesWritten: rec.bytes, chunks: rec.chunks }; // a resend: already on disk
    if (seq > rec.nextSeq) throw apiError('invalid_input', 'errors.recording.outOfOrder', { seq, expected: rec.nextSeq });
    try {
      // Synced before it returns; a failed append is cut back to what was acknowledged, so a resend of this
      // chunk lands right after it.
      rec.journal.append(data);
    } catch (e) {
      if (isDiskFull(e)) throw apiError('unavailable', 'errors.diskFull.chunk', { seq });
      throw e;
    }
    rec.nextSeq++;
    rec.bytes += data.byteLength;
    rec.chunks++;
    this.events.progress({ sessionId, bytesWritten: rec.bytes, chunks: rec.chunks });
    return { bytesWritten: rec.bytes, chunks: rec.chunks };
  }

  /** `elapsedMs`: the renderer's recording clock, the duration of a session that keeps no media. */
  async stop(sessionId: number, operatorId: number | null = null, elapsedMs?: number): Promise<Session> {
    const pending = this.finalizing.get(sessionId);
    if (pending) return pending;
    // A Stop that could not be written (disk full) is retried from what is on disk.
    const rec = this.active.get(sessionId);
    if (!rec && this.sessions.get(sessionId).status !== 'recording') throw apiError('conflict', 'errors.notRecording');
    if (rec) rec.operatorId = operatorId ?? rec.operatorId;
    return this.finish(sessionId, 'completed', null, elapsedMs);
  }

  /** The renderer that owned these recordings is gone (crashed, reloaded, closed): keep what was written. */
  async abandonOwner(owner: string, why: string): Promise<Session[]> {
    const mine = [...this.active.values()].filter((r) => r.owner === owner).map((r) => r.sessionId);
    return Promise.all(mine.map((id) => this.finish(id, 'recovered', why)));
  }

  /** Sessions still marked 'recording' when this process starts were cut off by a crash. */
  async recoverInterrupted(): Promise<Session[]> {
    const out: Session[] = [];
    for (const s of this.sessions.listByStatus('recording')) {
      if (this.active.has(s.id)) continue;
      out.push(await this.finish(s.id, 'recovered', 'The application stopped while recording; everything written before that was kept'));
    }
    return out;
  }

  async stopAll(why: string): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.finish(id, 'recovered', why)));
  }

  private finish(sessionId: number, status: 'completed' | 'recovered', why: string | null, elapsedMs?: number): Promise<Session> {
    const existing = this.finalizing.get(sessionId);
    if (existing) return existing;
    const p = this.doFinish(sessionId, status, why, elapsedMs).finally(() => this.finalizing.delete(sessionId));
    this.finalizing.set(sessionId, p);
    return p;
  }

  private async doFinish(sessionId: number, status: 'completed' | 'recovered', why: string | null, elapsedMs?: number): Promise<Session> {
    const rec = this.active.get(sessionId);
    const folder = sessionFolder(this.dataDir, sessionId);
    const keep = this.sessions.get(sessionId).keep;
    if (keep && !keep.video && !keep.audio) return this.finishWithoutMedia(sessionId, status, why, rec, elapsedMs);
    let endedAt = nowIso();
    if (rec) {
      rec.journal?.close();
      this.active.delete(sessionId);
    } else {
      try {
        endedAt = statSync(path.join(folder, RECORDING_PART)).mtime.toISOString();
      } catch {
        /* no part file: the end time is unknown, now is the honest upper bound */
      }
    }
    let result: Awaited<ReturnType<typeof finalizeRecording>>;
    try {
      result = await finalizeRecording(folder, this.media);
    } catch (e) {
      // Finishing an encrypted recording writes it anew; on a full disk the journal stays as it is (nothing is
      // lost) and the session stays open: Stop again, or the next start, finishes it.
      if (isDiskFull(e)) throw apiError('unavailable', 'errors.diskFull.finish');
      throw e;
    }
    const details = [why, ...(result?.warnings ?? [])].filter((x): x is string => !!x);
    const mimeType = rec?.mimeType ?? (keep && !keep.video ? 'audio/webm' : 'video/webm');
    const close = () => this.closeSession(sessionId, status, why, endedAt, mimeType, rec?.operatorId ?? null, result, details);
    try {
      close();
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      // The reserve exists for this moment: give it up and write the session's end.
      if (!releaseDiskReserve(this.dataDir)) throw apiError('unavailable', 'errors.diskFull.stop');
      try {
        close();
      } catch (again) {
        if (isDiskFull(again)) throw apiError('unavailable', 'errors.diskFull.stop');
        throw again;
      }
    }
    ensureDiskReserve(this.dataDir);
    const session = this.sessions.get(sessionId);
    this.events.sessionChanged(session);
    return session;
  }

  private closeSession(
    sessionId: number,
    status: 'completed' | 'recovered',
    why: string | null,
    endedAt: string,
    mimeType: string,
    operatorId: number | null,
    result: Awaited<ReturnType<typeof finalizeRecording>>,
    details: string[],
  ): void {
    this.db.transaction(() => {
      if (!result) {
        this.sessions.markEnded(sessionId, { status: 'failed', endedAt, durationMs: null, detail: [why, 'No media data was written before the recording ended'].filter(Boolean).join('. ') });
      } else {
        this.sessions.addMedia({
          sessionId,
          kind: 'recording',
          fileName: result.fileName,
          mimeType,
          bytes: result.bytes,
          durationMs: result.durationMs,
          hasVideo: result.hasVideo,
          hasAudio: result.hasAudio,
        });
        this.sessions.markEnded(sessionId, { status, endedAt, durationMs: result.durationMs, detail: details.length ? details.join(' ') : null });
      }
      this.audit.ended(sessionId, { status, bytes: result?.bytes ?? 0, durationMs: result?.durationMs ?? null, operatorId });
    })();
  }

  /**
   * Ends a session that kept no media. Its duration is the recording clock's (bounded by the core's own clock);
   * after a crash, the end of the last stored observation stands in for it (the live run is fused up to there).
   */
  private async finishWithoutMedia(sessionId: number, status: 'completed' | 'recovered', why: string | null, rec: ActiveRecording | undefined, elapsedMs?: number): Promise<Session> {
    if (rec) this.active.delete(sessionId);
    const measured = rec ? performance.now() - rec.startedPerf : null;
    const durationMs = measured !== null ? (elapsedMs !== undefined ? Math.min(elapsedMs, measured) : measured) : lastLiveObservationMs(this.db, sessionId);
    this.db.transaction(() => {
      this.sessions.markEnded(sessionId, { status, endedAt: nowIso(), durationMs, detail: why });
      this.audit.ended(sessionId, { status, bytes: 0, durationMs, operatorId: rec?.operatorId ?? null });
    })();
    const session = this.sessions.get(sessionId);
    this.events.sessionChanged(session);
    return session;
  }
}
