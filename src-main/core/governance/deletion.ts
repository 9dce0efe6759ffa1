/**
 * Deleting sessions and participants for good (issue 17, GDPR Art. 17): rows go with secure_delete on (their
 * bytes are overwritten), session folders and export folders inside the data folder that hold them are removed,
 * freed pages go back to the file system and the write-ahead log is emptied. The audit trail keeps that it
 * happened, by whom, of which ids and how much, never what was deleted.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../src-shared/errors.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import { reclaimFreedPages, type Db } from '../store/database.js';
import { type DeletionCounts, DeletionRepo } from '../store/deletion-repo.js';
import { PendingFilesRepo } from '../store/pending-files-repo.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { AnalysisRunner } from '../analysis/analysis-runner.js';
import type { RecordingManager } from '../recording/recording-manager.js';

export interface DeletionDeps {
  db: Db;
  dataDir: string;
  sessions: SessionsRepo;
  participants: ParticipantsRepo;
  runs: AnalysisRunsRepo;
  runner: AnalysisRunner;
  recordings: RecordingManager;
}

/** What a deletion tells the audit trail (the request layer writes it, in the deletion's own transaction). */
export interface DeletionAuditEvent {
  action: 'participant.delete' | 'session.delete';
  participantId?: number;
  sessionId?: number;
  object: 'participant' | 'session';
  objectId: number;
  detail: { sessions: number; mediaFiles: number; analysisRuns: number; labelSegments: number; consentRecords: number; sessionIds: number[]; mediaBytes?: number };
}
type AuditEvent = DeletionAuditEvent;

export interface DeletionPreview extends DeletionCounts {
  sessionIds: number[];
  /** Export folders inside the data folder that contain files of these sessions (they go too). */
  exportFolders: number;
}

/** Export file names made for a session start with `session-<id>_` (or `labels_session-<id>.csv`). */
function exportFolderHolds(folder: string, sessionIds: ReadonlySet<number>): boolean {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return false;
  }
  return names.some((n) => {
    const m = /^(?:labels_)?session-(\d+)[_.]/.exec(n);
    return m !== null && sessionIds.has(Number(m[1]));
  });
}

export class Deletion {
  private readonly repo: DeletionRepo;
  private readonly pending: PendingFilesRepo;

  constructor(private readonly d: DeletionDeps) {
    this.repo = new DeletionRepo(d.db);
    this.pending = new PendingFilesRepo(d.db);
  }

  private exportFoldersOf(sessionIds: readonly number[]): string[] {
    const root = path.join(this.d.dataDir, 'exports');
    if (!existsSync(root) || !sessionIds.length) return [];
    const ids = new Set(sessionIds);
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && exportFolderHolds(path.join(root, e.name), ids))
      .map((e) => path.join('exports', e.name));
  }

  previewSessions(sessionIds: readonly number[]): DeletionPreview {
    for (const id of sessionIds) this.d.sessions.get(id);
    return { ...this.repo.count(sessionIds), sessionIds: [...sessionIds], exportFolders: this.exportFoldersOf(sessionIds).length };
  }

  previewParticipant(participantId: number): DeletionPreview & { participantCode: string } {
    const p = this.d.participants.get(participantId);
    const ids = this.repo.sessionIdsOf(participantId);
    return { ...this.repo.count(ids, participantId), sessionIds: ids, exportFolders: this.exportFoldersOf(ids).length, participantCode: p.code };
  }

  /** Sessions being recorded or analysed cannot go: the work would write into what was deleted. */
  private refuseBusy(sessionIds: readonly number[]): void {
    for (const id of sessionIds) {
      const s = this.d.sessions.get(id);
      if (this.d.recordings.isRecording(id) || s.status === 'recording') throw new ApiError('conflict', `Session ${id} is being recorded; stop the recording first`);
      const busy = this.d.runs.listForSession(id).find((r) => this.d.runner.isBusy(r.id));
      if (busy) throw new ApiError('conflict', `Session ${id} is being analysed (run ${busy.id}); cancel the analysis first`);
    }
  }

  /**
   * Deletes sessions (or, with `participantId`, the participant and all of theirs). `audit` writes the entry in
   * the same transaction as the rows go, so the trail and the data never disagree.
   */
  private remove(sessionIds: readonly number[], participantId: number | null, audit: (e: AuditEvent) => void): DeletionPreview {
    this.refuseBusy(sessionIds);
    const counts = this.repo.count(sessionIds, participantId);
    const folders = [...sessionIds.map((id) => path.join('sessions', String(id))), ...this.exportFoldersOf(sessionIds)];
    const detail = {
      sessions: counts.sessions,
      mediaFiles: counts.mediaFiles,
      analysisRuns: counts.analysisRuns,
      labelSegments: counts.labelSegments,
      consentRecords: counts.consentRecords,
      sessionIds: [...sessionIds],
    };
    this.d.db
      .transaction(() => {
        if (participantId !== null) {
          audit({ action: 'participant.delete', participantId, object: 'participant', objectId: participantId, detail });
          this.repo.deleteParticipant(participantId);
        } else {
          for (const id of sessionIds) audit({ action: 'session.delete', sessionId: id, object: 'session', objectId: id, detail: { ...this.repo.count([id]), sessionIds: [id] } });
          this.repo.deleteSessions(sessionIds);
        }
        // Recorded in the same transaction: if removing a folder fails now, the next start finishes the job.
        this.pending.add(folders);
      })
      .immediate();
    this.removePendingFiles();
    reclaimFreedPages(this.d.db);
    return { ...counts, sessionIds: [...sessionIds], exportFolders: folders.length - sessionIds.length };
  }

  deleteSessions(sessionIds: readonly number[], audit: (e: AuditEvent) => void): DeletionPreview {
    const unique = [...new Set(sessionIds)];
    for (const id of unique) this.d.sessions.get(id);
    return this.remove(unique, null, audit);
  }

  deleteParticipant(participantId: number, audit: (e: AuditEvent) => void): DeletionPreview {
    this.d.participants.get(participantId);
    return this.remove(this.repo.sessionIdsOf(participantId), participantId, audit);
  }

  /** Removes the files of deletions already committed (after a crash between the two, at the next start). */
  removePendingFiles(): void {
    for (const rel of this.pending.list()) {
      try {
        rmSync(path.join(this.d.dataDir, rel), { recursive: true, force: true });
        this.pending.done(rel);
      } catch {
        /* kept in the list: tried again at the next deletion or start */
      }
    }
  }

  sessionsPastRetention(today = new Date().toISOString().slice(0, 10)) {
    return this.repo.sessionsPastRetention(today);
  }
}
