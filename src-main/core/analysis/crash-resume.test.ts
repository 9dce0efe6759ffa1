import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../app-core.js';
import { faceSpeechClip } from '../test-support/face-speech-clip.js';
import { tempDir } from '../test-support/make-media.js';

const root = path.resolve(import.meta.dirname, '../../..');
let clip: { file: string } | { skip: string };
beforeAll(async () => {
  clip = await faceSpeechClip(6);
}, 120_000);

function stored(dataDir: string): { face: number | null; status: string } | null {
  try {
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare('SELECT face_progress_ms AS face, status FROM analysis_run ORDER BY id DESC LIMIT 1').get() as { face: number | null; status: string } | undefined;
      return r ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null; // not created yet
  }
}

describe('an analysis killed with its process', () => {
  it('is found incomplete at the next start and resumes to a complete run, storing nothing twice', async (ctx) => {
    if ('skip' in clip) return ctx.skip(clip.skip);
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/core/cli.ts', 'analyze', clip.file, '--out', tempDir(), '--data-dir', dataDir, '--provider', 'cpu'], {
      cwd: root,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Kill it (no chance to clean up) once some face results are stored, and before it finishes.
    let seen: ReturnType<typeof stored> = null;
    for (let i = 0; i < 1200; i++) {
      seen = stored(dataDir);
      if (seen?.face || seen?.status === 'complete') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    if (!seen?.face || seen.status !== 'running') return ctx.skip(`the run ${seen?.status ?? 'never started'} before it could be killed mid-way`);

    const core = await createCore({ dataDir, provider: 'cpu' });
    try {
      const a = core.services.analysis;
      const [run] = a.runs.listForSession(1);
      expect(run).toMatchObject({ status: 'incomplete', error: expect.stringMatching(/stopped while this analysis was running/) });
      const before = a.runs.progress(run.id);
      expect(before.modalities.face).toBeGreaterThan(0);
      a.runner.resume(run.id);
      const done = await a.runner.whenDone(run.id);
      expect(done.status, done.error ?? '').toBe('complete');
      const db = core.services.db;
      const frames = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT t_ms) AS d, MAX(t_ms) AS last FROM face_frame WHERE run_id = ?').get(run.id) as { n: number; d: number; last: number };
      expect(frames.n).toBe(frames.d);
      expect(frames.n).toBeGreaterThanOrEqual(178); // 6 s at 30 fps
      expect(frames.last).toBeGreaterThan(5900);
      const obs = db.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT t_ms || ':' || track_id) AS d FROM face_obs WHERE run_id = ?").get(run.id) as { n: number; d: number };
      expect(obs.n).toBe(obs.d);
      const voice = db.prepare('SELECT COUNT(*) AS n FROM voice_obs WHERE run_id = ?').get(run.id) as { n: number };
      expect(voice.n).toBeGreaterThan(5);
      // One row per 100 ms of the media's duration (6 s of streams; the container may say a little more).
      expect(done.fusedRows).toBe(Math.ceil(done.mediaDurationMs! / 100));
    } finally {
      await core.close();
    }
  }, 240_000);
});
