/**
 * A worker's analysis of one clip: the same requests as `affect analyze` (session, clip import, analysis.start),
 * over the in-process client into a private scratch data folder, so the clip goes through exactly the pipeline,
 * models and settings a single machine uses. The run's observation rows are then read out for the result bundle
 * and the scratch session is deleted. The scratch folder holds no participant data beyond the job in hand: its
 * one participant is a placeholder, and the folder is removed when the worker stops (or, after a crash, by the
 * next worker that starts on the machine).
 *
 * The scratch folder is encrypted like a clinic's data folder (#18), with a key that exists only in this
 * worker's memory: its key file wraps the data key under a random passphrase that is never written or shown
 * (and a recovery key that is thrown away). An inline clip is written there sealed as it arrives, and the
 * database is encrypted (AEGIS-256); a worker killed mid-job leaves a folder nobody can decrypt, removed at the next start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { AnalysisParams, AnalysisProgress, AnalysisRun } from '../../../src-shared/analysis.js';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { type ClipSource, uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import { CONSENT_SCOPES, type ConsentScopes } from '../../../src-shared/governance.js';
import { note, NotedError } from '../../../src-shared/i18n/notes.js';
import { type AppCore, createCore } from '../app-core.js';
import { acquireDataLock, DataFolderBusyError } from '../config/data-lock.js';
import type { ProviderPreference } from '../inference/providers.js';
import { directClient } from '../rpc/direct-client.js';
import { schemaVersion } from '../store/database.js';
import { readRunRows, type RunTable } from '../store/run-rows-repo.js';
import { type FolderKeys, newKeyFile, writeKeyFile } from '../vault/key-file.js';

const SCRATCH_PREFIX = 'affect-worker-';

/** The clip's bytes, from a file on a share or from the job itself. */
export type ClipBytes = { file: string } | { data: Buffer };

export interface ScratchResult {
  run: AnalysisRun;
  /** Media ms each modality's stage analysed. */
  modalityProgress: Record<string, number | null>;
  tables: Record<string, RunTable>;
  schemaVersion: number;
  /** sha256 of the bytes analysed. */
  sha256: string;
  analysisMs: number;
  /** Where a job's time goes besides the analysis (ms): the clip into the scratch folder, reading the rows, removing the session. */
  timings: { importMs: number; readMs: number; cleanupMs: number };
}

/** Raised when the clip's bytes are not those the job names: the file on the share changed or the mapping is wrong. */
export class ClipMismatchError extends NotedError {}

/**
 * A folder this young may be one another worker has just made and not yet locked (workers on one machine
 * starting together share the scratch root): it is left alone, and removed by a later start if it was left over.
 */
const SCRATCH_SETUP_MS = 2 * 60_000;

/** Scratch folders left by workers that died (their data-folder lock is free and they are not new): removed. */
export function removeStaleScratch(root: string, now = Date.now()): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(root).filter((x) => x.startsWith(SCRATCH_PREFIX));
  } catch {
    return 0;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      if (now - statSync(dir).mtimeMs < SCRATCH_SETUP_MS) continue;
    } catch {
      continue; // gone already
    }
    let release: (() => void) | null = null;
    try {
      release = acquireDataLock(dir);
    } catch (e) {
      if (e instanceof DataFolderBusyError) continue; // a running worker's
    }
    release?.();
    rmSync(dir, { recursive: true, force: true });
    n++;
  }
  return n;
}

/** A clip source over a file that hashes what the upload reads (it reads the file once, front to back). */
async function fileSource(file: string, ext: string, hash: ReturnType<typeof createHash>): Promise<{ source: ClipSource; close(): Promise<void> }> {
  const h = await open(file, 'r');
  const st = await h.stat();
  let next = 0;
  return {
    source: {
      name: `clip${ext}`,
      size: st.size,
      read: async (offset, length) => {
        const buf = new Uint8Array(length);
        const { bytesRead } = await h.read(buf, 0, length, offset);
        const out = bytesRead === length ? buf : buf.subarray(0, bytesRead);
        if (offset !== next) throw new Error('clip read out of order');
        next += out.byteLength;
        hash.update(out);
        return out;
      },
    },
    close: () => h.close(),
  };
}

function bufferSource(data: Buffer, ext: string, hash: ReturnType<typeof createHash>): ClipSource {
  hash.update(data);
  return {
    name: `clip${ext}`,
    size: data.byteLength,
    read: async (offset, length) => {
      const end = Math.min(data.byteLength, offset + length);
      const out = new Uint8Array(end - offset);
      out.set(data.subarray(offset, end));
      return out;
    },
  };
}

export class ScratchAnalysis {
  private busy = false;

  private constructor(
    readonly dir: string,
    private readonly core: AppCore,
    private readonly api: ContractClient,
    private readonly participantId: number,
    private readonly keys: FolderKeys,
  ) {}

  /** A new scratch data folder under `root` (0700) with its core, an operator and a placeholder participant. */
  static async open(root: string, provider: ProviderPreference): Promise<ScratchAnalysis> {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(path.join(root, SCRATCH_PREFIX));
    let core: AppCore | null = null;
    let keys: FolderKeys | null = null;
    try {
      const made = await newKeyFile(randomBytes(32).toString('base64url'));
      keys = made.keys;
      writeKeyFile(dir, made.file);
      core = await createCore({ dataDir: dir, provider, keys });
      const setup = directClient(core, { clientId: 'affect-worker' });
      const op = await setup.call('operators.create', { displayName: 'Queue worker', role: 'researcher' });
      const api = directClient(core, { clientId: 'affect-worker', operatorId: op.id });
      const today = new Date().toISOString().slice(0, 10);
      // Consent is checked where the participant is known (the submitter, before the job is sent); here a placeholder.
      const p = await api.call('participants.create', { code: 'queue-job', consent: { scopes: Object.fromEntries(CONSENT_SCOPES.map((k) => [k, true])) as ConsentScopes, takenOn: today, formRef: '', retainUntil: null } });
      // Models are loaded now, not with the first job: a worker that says it is ready is ready, and one without
      // its models says so at start.
      const loaded = await core.services.analysis.stages.available(new Set(['video', 'audio'] as const));
      if (!loaded.stages.length) throw new Error(`no analysis models could be loaded: ${loaded.notes.join('; ')}`);
      return new ScratchAnalysis(dir, core, api, p.id, keys);
    } catch (e) {
      await core?.close();
      keys?.wipe();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get inUse(): boolean {
    return this.busy;
  }

  /**
   * Imports and analyses the clip; checks that its bytes hash to `sha256` before analysing. `onProgress` gets
   * the run's progress (0–100). The scratch session is deleted however it ends.
   */
  async analyse(
    clip: ClipBytes,
    job: { ext: string; bytes: number; sha256: string; params: AnalysisParams },
    opts: { signal?: AbortSignal; onProgress?: (p: AnalysisProgress) => void } = {},
  ): Promise<ScratchResult> {
    if (this.busy) throw new Error('this scratch folder is analysing another clip');
    this.busy = true;
    const hash = createHash('sha256');
    let sessionId: number | null = null;
    let runId: number | null = null;
    const ended = new Map<number, AnalysisProgress>();
    const waiters = new Map<number, () => void>();
    const off = this.api.on('analysis.progress', (p) => {
      if (p.runId !== runId && !waiters.has(p.runId)) return;
      opts.onProgress?.(p);
      if (p.status !== 'running') {
        ended.set(p.runId, p);
        waiters.get(p.runId)?.();
      }
    });
    const cancel = (): void => {
      if (runId !== null) void this.api.call('analysis.cancel', { runId }).catch(() => undefined);
    };
    opts.signal?.addEventListener('abort', cancel);
    const t0 = performance.now();
    let result: Omit<ScratchResult, 'timings'> & { timings: Omit<ScratchResult['timings'], 'cleanupMs'> };
    try {
      const session = await this.api.call('sessions.create', { participantId: this.participantId, protocol: 'queue' });
      sessionId = session.id;
      let outcome;
      if ('file' in clip) {
        const f = await fileSource(clip.file, job.ext, hash);
        try {
          if (f.source.size !== job.bytes) throw new ClipMismatchError(note('labJob.worker.shareSize', { actual: f.source.size, expected: job.bytes }));
          outcome = await uploadClipSource(this.api.call.bind(this.api), session.id, f.source, { signal: opts.signal });
        } finally {
          await f.close();
        }
      } else {
        if (clip.data.byteLength !== job.bytes) throw new ClipMismatchError(note('labJob.worker.inlineSize', { actual: clip.data.byteLength, expected: job.bytes }));
        outcome = await uploadClipSource(this.api.call.bind(this.api), session.id, bufferSource(clip.data, job.ext, hash), { signal: opts.signal });
      }
      const sha256 = hash.digest('hex');
      if (sha256 !== job.sha256) throw new ClipMismatchError(note('labJob.worker.sha256', { actual: sha256.slice(0, 12), expected: job.sha256.slice(0, 12) }));
      if (!outcome.ok) throw new Error(outcome.message);
      if (opts.signal?.aborted) throw opts.signal.reason;
      const started = performance.now();
      const importMs = started - t0;
      const run = await this.api.call('analysis.start', { sessionId: session.id, mediaFileId: outcome.media.id, params: job.params });
      runId = run.id;
      if (!ended.has(run.id)) await new Promise<void>((resolve) => waiters.set(run.id, resolve));
      const done = await this.api.call('analysis.get', { runId: run.id });
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (done.status !== 'complete') throw new Error(`analysis ${done.status}: ${done.error ?? 'no reason given'}`);
      const analysisMs = performance.now() - started;
      const db = this.core.services.db;
      const modalityProgress = this.core.services.analysis.recorder.runs.progress(run.id).modalities;
      const tables = readRunRows(db, run.id);
      result = { run: done, modalityProgress, tables, schemaVersion: schemaVersion(db), sha256, analysisMs, timings: { importMs, readMs: performance.now() - started - analysisMs } };
    } finally {
      off();
      opts.signal?.removeEventListener('abort', cancel);
      if (sessionId !== null) await this.api.call('sessions.delete', { sessionIds: [sessionId] }).catch(() => undefined);
      this.busy = false;
    }
    const cleanupMs = performance.now() - t0 - result.timings.importMs - result.analysisMs - result.timings.readMs;
    return { ...result, timings: { ...result.timings, cleanupMs } };
  }

  async close(): Promise<void> {
    try {
      await this.core.close();
    } finally {
      this.keys.wipe();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
