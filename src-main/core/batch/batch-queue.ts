/**
 * The work queue of the Sessions view (contract: src-shared/contract/batch.ts). One item is worked on at a
 * time (two cores: a second would only slow the first), oldest batch first. Every step's outcome is stored with
 * the item before the next begins, so a stop at any point (a crash, closing the app) resumes at the start of
 * the step it was in: an import that had moved its clip into the session lists it, a copy half made is made
 * again, an analysis continues its run. Steps:
 *
 *   import:  importing (checks, consent, a new session, the clip moved in and listed)
 *            → converting (a playable copy where needed) → analysing (if asked) → done
 *   analyse: analysing → done
 *   export:  exporting (the session's CSV files) → done; sessions_summary.csv when the last item ends
 *
 * Background work has no request context: audit entries name the operator who queued the batch.
 */
import { apiError } from '../../../src-shared/i18n/errors.js';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  type BatchCreate,
  type BatchItemView,
  type BatchSummary,
  type BatchView,
  batchCreateSchema,
  type ExecutorView,
  FINISHED_STATES,
  type ItemState,
} from '../../../src-shared/contract/batch.js';
import { ApiError } from '../../../src-shared/errors.js';
import { nestNote, type Note, note, NotedError, noteEnglish, notesEnglish, noteOfError } from '../../../src-shared/i18n/notes.js';
import type { ConsentScope } from '../../../src-shared/governance.js';
import type { EventBus } from '../event-bus.js';
import { requireConsent } from '../governance/consent-check.js';
import { moveProbedFile } from '../media/ffmpeg.js';
import { checkImportable, contentFileName, listImportedClip, sha256OfFile } from '../media/import-media.js';
import type { MediaServices } from '../media/media-services.js';
import { PlayableCopyError } from '../media/playable-copy.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { AuditEvent } from '../handlers/audit-writer.js';
import type { BatchRepo, BatchRow, ItemRow, ItemUpdate } from '../store/batch-repo.js';
import type { Db } from '../store/database.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { BatchInbox } from './batch-inbox.js';
import { type BatchExecutor, ExecutorCancelled, StopForNow } from './executors.js';

/** Writes one session's export files into `folder`; the last call (`finish`) writes the combined summary. */
export interface BatchExporter {
  exportOne(sessionId: number, folder: string, bom: boolean): Promise<void>;
  finish(sessionIds: readonly number[], folder: string, bom: boolean): Promise<void>;
  defaultFolder(): string;
}

export interface BatchQueueDeps {
  db: Db;
  dataDir: string;
  sessions: SessionsRepo;
  participants: ParticipantsRepo;
  repo: BatchRepo;
  inbox: BatchInbox;
  media: MediaServices;
  executors: ReadonlyMap<string, BatchExecutor>;
  exporter: BatchExporter;
  events: EventBus;
  /** Writes an audit entry under the operator who queued the batch (the request layer's Auditor). */
  audit(operatorId: number | null, e: AuditEvent): void;
}

class Cancelled extends NotedError {}
/** An analysis step whose executor cannot take work now: the item waits in its step (see BatchQueue.parked). */
class WaitingForExecutor extends Error {}
const WAITING = 'corpus.note.waitingForExecutor';
/** An item's notes without the waiting note and the executor's reason that follows it. */
function withoutWaiting(notes: readonly Note[]): Note[] {
  const i = notes.findIndex((n) => n.key === WAITING);
  return i < 0 ? [...notes] : [...notes.slice(0, i), ...notes.slice(i + 2)];
}

/** An executor's name as a note's value: its catalogue entry when it has one (worded in the reader's language). */
function executorVars(ex: BatchExecutor): Record<string, string> {
  return ex.labelKey ? { executorKey: ex.labelKey } : { executor: ex.label };
}

/** A refusal (consent, a rule): its catalogue entry when it has one, else its English words as a value. */
function refusalNote(e: unknown): Note {
  if (e instanceof ApiError && e.i18n) return e.i18n;
  return note('corpus.note.refused', { detail: e instanceof Error ? e.message : String(e) });
}

/** Where each state puts an import item's progress (0..1 of the item), with analysis after it or not. */
function itemProgress(kind: BatchRow['kind'], analyse: boolean, it: Pick<ItemRow, 'state' | 'fraction'>): number {
  if (FINISHED_STATES.includes(it.state)) return 1;
  const f = it.fraction;
  if (kind !== 'import') return it.state === 'queued' ? 0 : f;
  const [imp, conv] = analyse ? [0.05, 0.4] : [0.1, 1];
  switch (it.state) {
    case 'importing':
      return imp * f;
    case 'converting':
      return imp + (conv - imp) * f;
    case 'analysing':
      return conv + (1 - conv) * f;
    default:
      return 0;
  }
}

export class BatchQueue {
  private current: { itemId: number; ctl: AbortController } | null = null;
  /**
   * Analyses running beside the loop, on an executor that takes several at once (lab workers): by item, with
   * their abort controller and their promise. The loop goes on with the next item's import meanwhile.
   */
  private readonly beside = new Map<number, { ctl: AbortController; done: Promise<void> }>();
  private wakeUp: (() => void) | null = null;
  private readonly loop: Promise<void>;
  private closed = false;
  /** Per batch, when work on it began in this process and how far it was then (for time left). */
  private readonly clock = new Map<number, { t0: number; f0: number }>();
  private readonly lastEmit = new Map<number, number>();
  /**
   * Items whose executor cannot take work now (lab workers after a restart, before the lab queue is connected
   * again): they keep their place and say why, and are taken again when the executors change.
   */
  private readonly parked = new Set<number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly d: BatchQueueDeps) {
    d.inbox.prune((id) => d.repo.exists(id));
    this.unsubscribe = d.events.subscribe((name) => {
      if (name !== 'batch.executors' || !this.parked.size) return;
      this.parked.clear();
      this.kick();
    });
    this.loop = this.run().catch((e: unknown) => console.error('work queue stopped:', e));
  }

  executors(): ExecutorView[] {
    return [...this.d.executors.values()].map((e) => {
      const why = e.unavailable();
      return { id: e.id, label: e.label, unavailable: why && noteEnglish(why), ...(why ? { unavailableNote: why } : {}) };
    });
  }

  // ---- requests ------------------------------------------------------------------------------------------

  create(input: BatchCreate, operatorId: number): BatchView {
    const b = batchCreateSchema.parse(input);
    if (b.kind !== 'export') {
      const ex = this.d.executors.get(b.executor);
      if (!ex) throw apiError('invalid_input', 'errors.batch.noExecutor', { executor: b.executor, list: [...this.d.executors.keys()].join(', ') });
      const why = ex.unavailable();
      if (why) throw apiError('conflict', 'errors.batch.executorBusy', nestNote('errors.batch.executorBusy', executorVars(ex), 'why', why).vars);
    }
    let row: BatchRow;
    if (b.kind === 'import') {
      this.d.participants.get(b.participantId);
      // Refused before anything is sent: the consent every clip of this batch will need.
      requireConsent(this.d.participants, b.participantId, b.analyse ? ['analysis'] : [], 'consent.doing.importAnalyseClips');
      row = this.d.repo.create({
        kind: 'import',
        executor: b.executor,
        operatorId,
        participantId: b.participantId,
        protocol: b.protocol,
        options: { analyse: b.analyse },
        items: b.files.map((f) => ({ label: f.name, bytes: f.size, state: 'waiting' as const })),
      });
    } else {
      for (const id of b.sessionIds) this.d.sessions.get(id);
      const options = b.kind === 'export' ? { outDir: b.outDir ?? this.d.exporter.defaultFolder(), bom: b.bom } : {};
      if (b.kind === 'export' && !path.isAbsolute(options.outDir!)) throw apiError('invalid_input', 'errors.batch.folderAbsolute');
      row = this.d.repo.create({
        kind: b.kind,
        executor: b.kind === 'analyse' ? b.executor : 'local',
        operatorId,
        options,
        items: b.sessionIds.map((id) => ({ sessionId: id, durationMs: this.d.sessions.get(id).durationMs, state: 'queued' as const })),
      });
    }
    this.audit(row, { action: 'batch.create', object: 'batch', objectId: row.id, detail: { items: b.kind === 'import' ? b.files.length : b.sessionIds.length } });
    this.d.events.emit('batch.changed', { batchId: row.id });
    this.kick();
    return this.view(row.id);
  }

  list(): BatchView[] {
    return this.d.repo.list().map((b) => this.viewOf(b));
  }

  view(batchId: number): BatchView {
    return this.viewOf(this.d.repo.get(batchId));
  }

  async uploadChunk(itemId: number, seq: number, data: Uint8Array): Promise<number> {
    const it = this.d.repo.item(itemId);
    if (it.state !== 'waiting' || it.bytes === null) throw apiError('conflict', 'errors.batch.notWaiting', { id: itemId });
    const received = await this.d.inbox.chunk(itemId, it.bytes, seq, data);
    this.emitItem(it, false);
    return received;
  }

  async uploadDone(itemId: number): Promise<BatchItemView> {
    const it = this.d.repo.item(itemId);
    if (it.state !== 'waiting') throw apiError('conflict', 'errors.batch.notWaiting', { id: itemId });
    await this.d.inbox.done(itemId);
    const next = this.update(it, { state: 'queued', fraction: 0, notes: [] });
    this.kick();
    return this.itemView(next);
  }

  cancel(batchId: number, itemId?: number): BatchView {
    const b = this.d.repo.get(batchId);
    const why = note('corpus.note.cancelled');
    const ids = itemId === undefined ? this.d.repo.cancelUnfinished(batchId, [why]) : [itemId];
    for (const id of ids) {
      const it = this.d.repo.item(id);
      if (it.batchId !== batchId) throw apiError('not_found', 'errors.batch.notInBatch', { id, batch: batchId });
      const running = this.beside.get(id)?.ctl ?? (this.current?.itemId === id ? this.current.ctl : undefined);
      if (running) running.abort(new Cancelled(why));
      else if (!FINISHED_STATES.includes(it.state)) this.update(it, { state: 'cancelled', notes: this.keptNotes(it, why) });
      if (it.state === 'waiting' || it.state === 'queued') this.d.inbox.remove(id);
      this.emitItem(this.d.repo.item(id), true);
    }
    this.audit(b, { action: 'batch.cancel', object: 'batch', objectId: batchId, detail: { items: ids.length } });
    // An export whose last items were cancelled still gets its combined summary over the sessions it wrote.
    if (b.kind === 'export' && !this.current) void this.finishExport(b).catch((e: unknown) => console.error(`export batch ${batchId}:`, e));
    this.d.events.emit('batch.changed', { batchId });
    return this.view(batchId);
  }

  retry(itemId: number): BatchItemView {
    const it = this.d.repo.item(itemId);
    if (it.state !== 'failed' && it.state !== 'cancelled') throw apiError('conflict', 'errors.batch.notRetryable', { id: itemId });
    const b = this.d.repo.get(it.batchId);
    // Back to the step it stopped in: what it finished before stays done.
    let state: ItemState = 'queued';
    if (b.kind === 'import') {
      if (it.mediaFileId !== null) state = 'converting';
      else if (!this.d.inbox.has(itemId) && it.sessionId === null) state = 'waiting';
    }
    this.parked.delete(itemId);
    const next = this.update(it, { state, fraction: 0, notes: [] });
    this.kick();
    return this.itemView(next);
  }

  remove(batchId: number): void {
    const b = this.d.repo.get(batchId);
    const items = this.d.repo.items(batchId);
    if (items.some((i) => !FINISHED_STATES.includes(i.state) && i.state !== 'waiting')) {
      throw apiError('conflict', 'errors.batch.stillWorking');
    }
    for (const i of items) this.d.inbox.remove(i.id);
    this.d.db.transaction(() => {
      this.audit(b, { action: 'batch.remove', object: 'batch', objectId: batchId });
      this.d.repo.remove(batchId);
    })();
    this.clock.delete(batchId);
    this.d.events.emit('batch.changed', { batchId });
  }

  /** Sessions or a participant were deleted: their queue items went with them; so do their files here. */
  forgetDeleted(): void {
    if (this.current && !this.d.repo.exists(this.current.itemId)) this.current.ctl.abort(new Cancelled(note('corpus.note.sessionDeleted')));
    for (const [id, x] of this.beside) if (!this.d.repo.exists(id)) x.ctl.abort(new Cancelled(note('corpus.note.sessionDeleted')));
    this.d.inbox.prune((id) => this.d.repo.exists(id));
  }

  /** Stops the item in progress (it resumes at the next start) and the loop. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    this.current?.ctl.abort(new StopForNow('The application is closing'));
    for (const x of this.beside.values()) x.ctl.abort(new StopForNow('The application is closing'));
    this.kick();
    await this.loop;
    await Promise.all([...this.beside.values()].map((x) => x.done));
    await this.d.inbox.close();
  }

  // ---- the loop ------------------------------------------------------------------------------------------

  private kick(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private async run(): Promise<void> {
    // Let the core finish starting (handlers, other services) before the first item.
    await new Promise((r) => setImmediate(r));
    const skip = new Set<number>();
    while (!this.closed) {
      // The database closed under the queue (the process going down without close()): nothing more to do.
      if (!this.d.db.open) return;
      const it = this.d.repo.next(this.beside.size || this.parked.size ? new Set([...skip, ...this.beside.keys(), ...this.parked]) : skip);
      if (!it) {
        await new Promise<void>((r) => (this.wakeUp = r));
        skip.clear();
        continue;
      }
      try {
        await this.work(it);
      } catch (e) {
        // work() stores its own failures; anything else must not stop the queue (and must not spin on the item).
        console.error(`queue item ${it.id}:`, e);
        skip.add(it.id);
      }
    }
  }

  private async work(start: ItemRow): Promise<void> {
    const b = this.d.repo.get(start.batchId);
    if (!this.clock.has(b.id)) this.clock.set(b.id, { t0: performance.now(), f0: this.summaryOf(b, this.d.repo.items(b.id)).fraction });
    const ctl = new AbortController();
    this.current = { itemId: start.id, ctl };
    let it = start;
    try {
      if (b.kind === 'import') {
        if (it.state === 'queued' || it.state === 'importing') it = await this.importStep(b, it);
        if (it.state === 'converting') it = await this.convertStep(b, it, ctl.signal);
        if (it.state === 'analysing') it = await this.analyseOrBeside(b, it, ctl);
      } else if (b.kind === 'analyse') {
        it = await this.analyseOrBeside(b, it.state === 'queued' ? this.update(it, { state: 'analysing', fraction: 0 }) : it, ctl);
      } else {
        it = await this.exportStep(b, it);
      }
    } catch (e) {
      this.stopped(it, ctl, e);
    } finally {
      this.current = null;
      this.tidy(b, it);
    }
  }

  /** An item's step ended with an error: stored as failed or cancelled, or left where it is (closing). */
  private stopped(at: ItemRow, ctl: AbortController, e: unknown): void {
    if (!this.d.repo.exists(at.id)) return; // deleted with its session meanwhile
    const it = this.d.repo.item(at.id);
    const reason: unknown = ctl.signal.aborted ? ctl.signal.reason : e;
    if (reason instanceof StopForNow) return; // stays in its step: resumed at the next start
    if (reason instanceof WaitingForExecutor) {
      this.parked.add(it.id); // stays in its step, saying why: taken again when the executors change
      return;
    }
    const cancelled = reason instanceof Cancelled || e instanceof ExecutorCancelled;
    const why = noteOfError(reason);
    this.update(it, { state: cancelled ? 'cancelled' : 'failed', notes: cancelled ? this.keptNotes(it, why) : [why] });
  }

  private tidy(b: BatchRow, it: ItemRow): void {
    if (b.kind === 'import' && this.d.repo.exists(it.id) && FINISHED_STATES.includes(this.d.repo.item(it.id).state)) this.d.inbox.remove(it.id);
  }

  /**
   * The analysis step: in the loop, or beside it when the executor takes several at once (the loop then goes on
   * with the next item; while that many run, it waits for one to end).
   */
  private async analyseOrBeside(b: BatchRow, it: ItemRow, ctl: AbortController): Promise<ItemRow> {
    const at = this.d.executors.get(b.executor)?.parallel ?? 1;
    if (at <= 1) return this.analyseStep(b, it, ctl.signal);
    const aborted = new Promise<void>((r) => ctl.signal.addEventListener('abort', () => r(), { once: true }));
    while (this.beside.size >= at && !ctl.signal.aborted) await Promise.race([aborted, ...[...this.beside.values()].map((x) => x.done)]);
    if (ctl.signal.aborted) throw ctl.signal.reason;
    // From here the item has its own controller: cancelling it, or closing, reaches it there.
    const own = new AbortController();
    const done = this.analyseStep(b, it, own.signal)
      .then(
        () => undefined,
        (e: unknown) => this.stopped(it, own, e),
      )
      .catch((e: unknown) => console.error(`queue item ${it.id}:`, e))
      .finally(() => {
        this.beside.delete(it.id);
        this.tidy(b, it);
        this.kick();
      });
    this.beside.set(it.id, { ctl: own, done });
    return it;
  }

  // ---- steps ---------------------------------------------------------------------------------------------

  /** A clip's check, consent, session, and the clip moved into it and listed. */
  private async importStep(b: BatchRow, start: ItemRow): Promise<ItemRow> {
    let it = this.update(start, { state: 'importing', fraction: 0 });
    const displayName = path.basename((it.label ?? 'clip').replace(/\\/g, '/'));
    const file = this.d.inbox.file(it.id);
    // A previous run got as far as the session: its clip may already be in, or in its folder unlisted.
    if (it.sessionId !== null && it.sha256 !== null) {
      const listed = this.d.sessions.get(it.sessionId).media.find((m) => m.sha256 === it.sha256);
      if (listed) return this.update(it, { mediaFileId: listed.id, state: 'converting', fraction: 0 });
    }
    const moved = it.sessionId !== null && it.sha256 !== null ? path.join(sessionFolder(this.d.dataDir, it.sessionId), contentFileName(it.sha256, displayName)) : null;
    const source = moved && existsSync(moved) ? moved : file;
    if (!existsSync(source)) return this.fail(it, note('corpus.note.notArrived', { name: displayName }), 'waiting');
    const checked = await checkImportable(source, displayName);
    if (!checked.ok) return this.fail(it, checked.note);
    const pid = b.participantId;
    if (pid === null) return this.fail(it, note('corpus.note.participantDeleted'));
    const scopes: ConsentScope[] = [...(checked.hasVideo ? (['video'] as const) : []), ...(checked.hasAudio ? (['audio'] as const) : [])];
    try {
      requireConsent(this.d.participants, pid, scopes, 'consent.doing.importNamed', { name: displayName });
    } catch (e) {
      return this.fail(it, refusalNote(e));
    }
    it = this.update(it, { durationMs: checked.durationMs, fraction: 0.3 });
    if (it.sessionId === null) {
      const session = this.d.db.transaction(() => {
        const s = this.d.sessions.create({ participantId: pid, protocol: b.protocol ?? 'import', operatorId: b.operatorId, note: '' });
        this.audit(b, { action: 'session.create', sessionId: s.id, object: 'session', objectId: s.id });
        this.d.repo.update(it.id, { sessionId: s.id });
        return s;
      })();
      it = this.d.repo.item(it.id);
      this.d.events.emit('session.changed', session);
    }
    const sessionId = it.sessionId!;
    const folder = sessionFolder(this.d.dataDir, sessionId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    let sha256 = it.sha256;
    if (source === file) {
      // Hashed where it arrived, recorded, then moved in under the hash's name: a stop in between finds it
      // in the session folder by that name.
      sha256 = await sha256OfFile(file);
      it = this.update(it, { sha256, fraction: 0.7 });
      const target = path.join(folder, contentFileName(sha256, displayName));
      if (existsSync(target)) rmSync(target, { force: true });
      // Moved, not copied: the check's probe stays good for the playable step (probe-cache.ts).
      await moveProbedFile(file, target);
    }
    const name = contentFileName(sha256!, displayName);
    const media = listImportedClip(
      this.d,
      sessionId,
      name,
      sha256!,
      checked,
      (m) => this.d.repo.update(it.id, { mediaFileId: m.id, state: 'converting', fraction: 0, notes: checked.warningNote ? [checked.warningNote] : [] }),
      (m) => this.audit(b, { action: 'media.import', sessionId, object: 'media_file', objectId: m.id, detail: { bytes: m.bytes, hasVideo: m.hasVideo, hasAudio: m.hasAudio } }),
    );
    this.d.events.emit('session.changed', this.d.sessions.get(media.sessionId));
    return this.emitItem(this.d.repo.item(it.id), true);
  }

  private async convertStep(b: BatchRow, start: ItemRow, signal: AbortSignal): Promise<ItemRow> {
    let it = this.update(start, { state: 'converting', fraction: 0 });
    if (it.sessionId === null || it.mediaFileId === null) return this.fail(it, note('corpus.note.notListed'));
    let made;
    try {
      made = await this.d.media.makePlayable(it.sessionId, it.mediaFileId, {
        signal,
        onProgress: (f) => (it = this.progress(it, f)),
        onCopied: (copy, original) =>
          this.audit(b, { action: 'media.convert', sessionId: copy.sessionId, object: 'media_file', objectId: copy.id, detail: { from: original.id, originalKept: this.d.media.keepOriginals() } }),
      });
    } catch (e) {
      if (signal.aborted) throw e;
      const detail = e instanceof PlayableCopyError ? e.detail : e instanceof Error ? e.message : String(e);
      return this.fail(it, note('corpus.note.copyFailed', { detail, session: it.sessionId }));
    }
    if (made.copied) this.d.events.emit('session.changed', this.d.sessions.get(it.sessionId));
    const notes = [...it.notes, ...(made.copied && made.reasonNote ? [made.reasonNote, note('corpus.note.copyMade')] : [])];
    return this.update(it, { mediaFileId: made.originalRemoved ? made.media.id : it.mediaFileId, state: b.options.analyse ? 'analysing' : 'done', fraction: b.options.analyse ? 0 : 1, notes });
  }

  private async analyseStep(b: BatchRow, start: ItemRow, signal: AbortSignal): Promise<ItemRow> {
    let it = start;
    if (it.sessionId === null) return this.fail(it, note('corpus.note.sessionDeleted'));
    const sessionId = it.sessionId;
    const ex = this.d.executors.get(b.executor);
    if (!ex) return this.fail(it, note('corpus.note.noExecutor', { executor: b.executor }));
    const why = ex.unavailable();
    if (why) {
      this.update(it, { state: b.kind === 'analyse' ? 'queued' : it.state, fraction: 0, notes: [...withoutWaiting(it.notes), note(WAITING, executorVars(ex)), why] });
      throw new WaitingForExecutor();
    }
    if (it.notes.some((n) => n.key === WAITING)) it = this.update(it, { notes: withoutWaiting(it.notes) });
    try {
      requireConsent(this.d.participants, this.d.sessions.get(sessionId).participantId, ['analysis'], 'consent.doing.analyseSession');
    } catch (e) {
      return this.fail(it, refusalNote(e));
    }
    const run = await ex.analyse(
      { sessionId, mediaFileId: null, runId: it.runId, operatorId: b.operatorId },
      {
        signal,
        onRun: (runId) => {
          if (runId === it.runId) return;
          it = this.update(it, { runId });
          this.audit(b, { action: 'analysis.start', sessionId, object: 'analysis_run', objectId: runId });
        },
        onProgress: (f) => (it = this.progress(it, f)),
      },
    );
    return this.update(it, { runId: run.id, state: 'done', fraction: 1 });
  }

  private async exportStep(b: BatchRow, start: ItemRow): Promise<ItemRow> {
    const it = this.update(start, { state: 'exporting', fraction: 0 });
    if (it.sessionId === null) return this.fail(it, note('corpus.note.sessionDeleted'));
    try {
      requireConsent(this.d.participants, this.d.sessions.get(it.sessionId).participantId, ['analysis', 'research'], 'consent.doing.exportSession', { sessionId: it.sessionId });
      await this.d.exporter.exportOne(it.sessionId, b.options.outDir!, b.options.bom === true);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const failed = this.fail(it, refusalNote(e));
      await this.finishExport(b);
      return failed;
    }
    // The last session's item is done only once sessions_summary.csv is written too.
    await this.finishExport(b, it.id);
    return this.update(it, { state: 'done', fraction: 1 });
  }

  /** When an export batch has nothing left to do: sessions_summary.csv over the sessions it exported. */
  private async finishExport(b: BatchRow, finishing?: number): Promise<void> {
    const items = this.d.repo.items(b.id);
    if (!items.length) return; // removed meanwhile
    if (items.some((i) => i.id !== finishing && !FINISHED_STATES.includes(i.state))) return;
    const done = items.filter((i) => (i.state === 'done' || i.id === finishing) && i.sessionId !== null).map((i) => i.sessionId!);
    if (!done.length) return;
    await this.d.exporter.finish(done, b.options.outDir!, b.options.bom === true);
    this.audit(b, { action: 'export.sessions', detail: { sessionIds: done } });
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------------

  private fail(it: ItemRow, why: Note, state: ItemState = 'failed'): ItemRow {
    return this.update(it, { state, notes: [why], fraction: 0 });
  }

  /** Why an item was cancelled, and what it leaves: its session, if it got that far. */
  private keptNotes(it: ItemRow, why: Note): Note[] {
    return it.sessionId !== null && this.d.repo.get(it.batchId).kind === 'import' ? [why, note('corpus.note.clipKept', { session: it.sessionId })] : [why];
  }

  private update(it: ItemRow, u: ItemUpdate): ItemRow {
    return this.emitItem(this.d.repo.update(it.id, u), true);
  }

  /** Progress within a step: stored and pushed at most 4 times a second. */
  private progress(it: ItemRow, fraction: number): ItemRow {
    const now = performance.now();
    if (now - (this.lastEmit.get(it.id) ?? 0) < 250 && fraction < 1) return it;
    return this.emitItem(this.d.repo.update(it.id, { fraction: Math.min(1, Math.max(0, fraction)) }), true);
  }

  private emitItem(it: ItemRow, force: boolean): ItemRow {
    const now = performance.now();
    if (!force && now - (this.lastEmit.get(it.id) ?? 0) < 250) return it;
    this.lastEmit.set(it.id, now);
    const b = this.d.repo.get(it.batchId);
    this.d.events.emit('batch.item', { item: this.itemView(it), summary: this.summaryOf(b, this.d.repo.items(b.id)) });
    return it;
  }

  private audit(b: BatchRow, e: AuditEvent): void {
    this.d.audit(b.operatorId, e);
  }

  private itemView(it: ItemRow): BatchItemView {
    return {
      id: it.id,
      batchId: it.batchId,
      seq: it.seq,
      label: it.label,
      bytes: it.bytes,
      received: it.state === 'waiting' ? this.d.inbox.received(it.id) : (it.bytes ?? 0),
      state: it.state,
      fraction: it.fraction,
      message: notesEnglish(it.notes),
      notes: it.notes,
      sessionId: it.sessionId,
      runId: it.runId,
      durationMs: it.durationMs,
    };
  }

  private viewOf(b: BatchRow): BatchView {
    const items = this.d.repo.items(b.id);
    return {
      id: b.id,
      kind: b.kind,
      executor: b.executor,
      participantId: b.participantId,
      participantCode: b.participantCode,
      protocol: b.protocol,
      analyse: b.options.analyse === true,
      folder: b.kind === 'export' ? (b.options.outDir ?? null) : null,
      createdAt: b.createdAt,
      items: items.map((i) => this.itemView(i)),
      summary: this.summaryOf(b, items),
    };
  }

  private summaryOf(b: BatchRow, items: readonly ItemRow[]): BatchSummary {
    const count = (s: ItemState) => items.filter((i) => i.state === s).length;
    // Items weigh by their length: media duration once known, else their size against the known ones'.
    const known = items.filter((i) => i.durationMs !== null && i.bytes !== null && i.bytes > 0);
    const msPerByte = known.length ? known.reduce((a, i) => a + i.durationMs!, 0) / known.reduce((a, i) => a + i.bytes!, 0) : null;
    const weight = (i: ItemRow) => i.durationMs ?? (i.bytes !== null && msPerByte !== null ? i.bytes * msPerByte : 1);
    const total = items.reduce((a, i) => a + weight(i), 0);
    const analyse = b.options.analyse === true;
    const fraction = total > 0 ? Math.min(1, items.reduce((a, i) => a + weight(i) * itemProgress(b.kind, analyse, i), 0) / total) : 1;
    const active = items.some((i) => !FINISHED_STATES.includes(i.state) && i.state !== 'waiting');
    const clock = this.clock.get(b.id);
    let etaMs: number | null = null;
    if (clock && active) {
      const elapsed = performance.now() - clock.t0;
      const gained = fraction - clock.f0;
      if (elapsed > 2000 && gained > 0.005) etaMs = (elapsed * (1 - fraction)) / gained;
    }
    return { total: items.length, done: count('done'), failed: count('failed'), cancelled: count('cancelled'), waiting: count('waiting'), fraction, etaMs, active };
  }
}
