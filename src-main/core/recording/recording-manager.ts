import { closeSync, fdatasyncSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../src-shared/domain.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { nowIso } from '../store/time.js';
import { finalizeRecording } from './finalize-recording.js';
import { RECORDING_PART, sessionFolder } from './session-folder.js';

interface ActiveRecording {
  sessionId: number;
  owner: string;
  mimeType: string;
  fd: number;
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
  started(sessionId: number, mimeType: string): void;
  ended(sessionId: number, e: { status: 'completed' | 'recovered'; bytes: number; durationMs: number | null; reason: string | null }): void;
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
  ) {}

  isRecording(sessionId: number): boolean {
    return this.active.has(sessionId);
  }

  start(sessionId: number, mimeType: string, owner: string): Session {
    const session = this.sessions.get(sessionId);
    if (this.active.has(sessionId) || session.status === 'recording') throw new ApiError('conflict', 'This session is already recording');
    if (session.status !== 'created') {
      throw new ApiError('conflict', 'This session already has a recording; create a new session to record again');
    }
    const folder = sessionFolder(this.dataDir, sessionId);
    mkdirSync(folder, { recursive: true });
    const fd = openSync(path.join(folder, RECORDING_PART), 'a');
    const startedAt = nowIso();
    this.db.transaction(() => {
      this.sessions.markRecording(sessionId, startedAt);
      this.audit.started(sessionId, mimeType);
    })();
    this.active.set(sessionId, { sessionId, owner, mimeType, fd, nextSeq: 0, bytes: 0, chunks: 0 });
    const updated = this.sessions.get(sessionId);
    this.events.sessionChanged(updated);
    return updated;
  }

  chunk(sessionId: number, seq: number, data: Uint8Array): { bytesWritten: number; chunks: number } {
    const rec = this.active.get(sessionId);
    if (!rec) throw new ApiError('conflict', 'This session is not recording');
    if (seq < rec.nextSeq) return { bytesWritten: rec.bytes, chunks: rec.chunks }; // a resend: already on disk
    if (seq > rec.nextSeq) throw new ApiError('invalid_input', `Chunk ${seq} arrived before chunk ${rec.nextSeq}; chunks must be sent in order`);
    let off = 0;
    while (off < data.byteLength) off += writeSync(rec.fd, data, off, data.byteLength - off);
    fdatasyncSync(rec.fd);
    rec.nextSeq++;
    rec.bytes += data.byteLength;
    rec.chunks++;
    this.events.progress({ sessionId, bytesWritten: rec.bytes, chunks: rec.chunks });
    return { bytesWritten: rec.bytes, chunks: rec.chunks };
  }

  async stop(sessionId: number): Promise<Session> {
    const pending = this.finalizing.get(sessionId);
    if (pending) return pending;
    if (!this.active.has(sessionId)) throw new ApiError('conflict', 'This session is not recording');
    return this.finish(sessionId, 'completed', null);
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

  private finish(sessionId: number, status: 'completed' | 'recovered', why: string | null): Promise<Session> {
    const existing = this.finalizing.get(sessionId);
    if (existing) return existing;
    const p = this.doFinish(sessionId, status, why).finally(() => this.finalizing.delete(sessionId));
    this.finalizing.set(sessionId, p);
    return p;
  }

  private async doFinish(sessionId: number, status: 'completed' | 'recovered', why: string | null): Promise<Session> {
    const rec = this.active.get(sessionId);
    const folder = sessionFolder(this.dataDir, sessionId);
    let endedAt = nowIso();
    if (rec) {
      closeSync(rec.fd);
      this.active.delete(sessionId);
    } else {
      try {
        endedAt = statSync(path.join(folder, RECORDING_PART)).mtime.toISOString();
      } catch {
        /* no part file: the end time is unknown, now is the honest upper bound */
      }
    }
    const result = await finalizeRecording(folder);
    const details = [why, ...(result?.warnings ?? [])].filter((x): x is string => !!x);
    this.db.transaction(() => {
      if (!result) {
        this.sessions.markEnded(sessionId, { status: 'failed', endedAt, durationMs: null, detail: [why, 'No media data was written before the recording ended'].filter(Boolean).join('. ') });
      } else {
        this.sessions.addMedia({
          sessionId,
          kind: 'recording',
          fileName: result.fileName,
          mimeType: rec?.mimeType ?? 'video/webm',
          bytes: result.bytes,
          durationMs: result.durationMs,
          hasVideo: result.hasVideo,
          hasAudio: result.hasAudio,
        });
        this.sessions.markEnded(sessionId, { status, endedAt, durationMs: result.durationMs, detail: details.length ? details.join(' ') : null });
      }
      this.audit.ended(sessionId, { status, bytes: result?.bytes ?? 0, durationMs: result?.durationMs ?? null, reason: why });
    })();
    const session = this.sessions.get(sessionId);
    this.events.sessionChanged(session);
    return session;
  }
}
