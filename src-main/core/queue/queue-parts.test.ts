/** The lab queue's parts that need no Redis: path mapping, bundles, run rows, connection options, model lists. */
import { chmodSync, existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import { type Db, openDatabase } from '../store/database.js';
import { ParticipantsRepo } from '../store/participants-repo.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { migrations } from '../store/migrations/index.js';
import { readRunRows, RunRowsError, writeRunRows } from '../store/run-rows-repo.js';
import { tempDir } from '../test-support/make-media.js';
import { decodeBundle, encodeBundle, type ResultBundle } from './bundle.js';
import { jobIdOf, parseJobId } from './job.js';
import { modelMismatch } from './model-set.js';
import { readPasswordFile, redactUrl, redisOptions } from './redis-connection.js';
import { parseShare, resolveShareRef, toShareRef } from './shares.js';
import { removeStaleScratch } from './scratch-analysis.js';
import { acquireDataLock } from '../config/data-lock.js';

describe('shares (the path mapping)', () => {
  const root = tempDir();
  mkdirSync(path.join(root, 'server', 'study', 'site A'), { recursive: true });
  writeFileSync(path.join(root, 'server', 'study', 'site A', 'p01.mp4'), 'clip');
  writeFileSync(path.join(root, 'secret.txt'), 'not on the share');
  symlinkSync(path.join(root, 'server'), path.join(root, 'mount-b'));
  symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'server', 'study', 'escape.mp4'));
  const here = [parseShare(`corpus=${path.join(root, 'server')}`)];
  const there = [parseShare(`corpus=${path.join(root, 'mount-b')}`)];

  it('names a clip by share and relative path, and finds it under another mount point', () => {
    const ref = toShareRef(here, path.join(root, 'server', 'study', 'site A', 'p01.mp4'));
    expect(ref).toEqual({ share: 'corpus', path: 'study/site A/p01.mp4' });
    expect(resolveShareRef(there, ref!)).toBe(path.join(root, 'server', 'study', 'site A', 'p01.mp4'));
    expect(toShareRef(here, path.join(root, 'secret.txt'))).toBeNull();
  });

  it('refuses what would lead outside the share, and shares a worker does not have', () => {
    for (const p of ['../secret.txt', 'study/../../secret.txt', '/etc/passwd', 'C:/x.mp4', 'study\\x.mp4', 'study//x.mp4']) {
      expect(() => resolveShareRef(there, { share: 'corpus', path: p }), p).toThrow(/invalid path|relative/);
    }
    expect(() => resolveShareRef(there, { share: 'corpus', path: 'study/escape.mp4' })).toThrow(/leads outside the share/);
    expect(() => resolveShareRef(there, { share: 'other', path: 'study/site A/p01.mp4' })).toThrow(/has no share "other"/);
    expect(() => resolveShareRef(there, { share: 'corpus', path: 'study/missing.mp4' })).toThrow(/is not on this worker's share/);
    expect(() => parseShare('corpus')).toThrow(/NAME=FOLDER/);
    expect(() => parseShare(`bad name=${root}`)).toThrow(/share name/);
    expect(() => parseShare(`x=${path.join(root, 'nope')}`)).toThrow(/does not exist/);
  });
});

function bundle(tables: ResultBundle['tables']): ResultBundle {
  return {
    format: 'affect-studio/result-bundle',
    version: 1,
    jobId: jobIdOf('a'.repeat(32), 7),
    folder: 'a'.repeat(32),
    sessionId: 3,
    mediaFileId: 4,
    clipSha256: 'b'.repeat(64),
    worker: { name: 'lab-pc-2:123', host: 'lab-pc-2', pid: 123, platform: 'linux-x64', softwareVersion: '0.1.0' },
    run: {
      params: DEFAULT_ANALYSIS_PARAMS,
      models: [{ id: 'm', task: 'face-emotion', file: 'm.onnx', sha256: 'c'.repeat(64) }],
      provider: 'cpu',
      providerDetail: null,
      softwareVersion: '0.1.0',
      mediaDurationMs: 1500,
      modalityProgress: { face: 1500, voice: null },
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:05.000Z',
      analysisMs: 5000,
    },
    schemaVersion: 10,
    tables,
  };
}

describe('result bundles', () => {
  it('carry every cell exactly: doubles, text, NULL, bytes and infinities', async () => {
    const b = bundle({ t: { columns: ['a', 'b', 'c', 'd'], rows: [[0.1 + 0.2, 'x', null, new Uint8Array([0, 255, 7])], [Number.MAX_VALUE, Infinity, -Infinity, 5e-324]] } });
    const back = await decodeBundle(JSON.parse(JSON.stringify(await encodeBundle(b))));
    expect(back).toEqual(b);
  });

  it('are refused when they are not one, another version, malformed or too large unpacked', async () => {
    await expect(decodeBundle({ rows: [] })).rejects.toThrow(/not an Affect Studio result bundle/);
    const wire = (v: unknown) => ({ format: 'affect-studio/result-bundle+gzip+base64', data: gzipSync(JSON.stringify(v)).toString('base64') });
    await expect(decodeBundle(wire({ ...bundle({}), version: 2 }))).rejects.toThrow(/version 2; this Affect Studio reads version 1/);
    await expect(decodeBundle(wire({ ...bundle({}), sessionId: -1 }))).rejects.toThrow(/malformed: sessionId/);
    await expect(decodeBundle({ format: 'affect-studio/result-bundle+gzip+base64', data: gzipSync(Buffer.alloc(4096)).toString('base64') }, { maxJsonBytes: 1024 })).rejects.toThrow(/cannot be unpacked/);
  });
});

describe('run rows', () => {
  /** A modality's table that points at face_obs rows and holds bytes, as face geometry does. */
  const extra = {
    version: migrations[migrations.length - 1].version + 1,
    name: 'test: a table pointing at face_obs',
    up(db: Db) {
      db.exec(`CREATE TABLE face_extra (
        obs_id INTEGER PRIMARY KEY REFERENCES face_obs(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL, points BLOB)`);
    },
  };
  const open = (): Db => openDatabase(path.join(tempDir(), 'db.sqlite'), [...migrations, extra]);
  const newRun = (db: Db) => new AnalysisRunsRepo(db).create({ sessionId: 1, mediaFileId: null, mode: 'offline', params: DEFAULT_ANALYSIS_PARAMS, softwareVersion: '0', mediaDurationMs: null });
  const session = (db: Db) => {
    const p = new ParticipantsRepo(db).create('P1');
    new SessionsRepo(db).create({ participantId: p.id, protocol: 'x', note: '', operatorId: null });
  };
  const seed = (db: Db, ids: number[]) => {
    session(db);
    newRun(db);
    for (const id of ids) {
      db.prepare(
        `INSERT INTO face_obs (id, run_id, t_ms, track_id, participant, box_x, box_y, box_w, box_h, det_score, size_px, roll_deg, sharpness, reliable,
          p_neutral, p_happy, p_sad, p_surprise, p_fear, p_disgust, p_angry) VALUES (?, 1, ?, 1, 1, 0, 0, 1, 1, 0.9, 100, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0)`,
      ).run(id, id * 33.3);
      db.prepare('INSERT INTO face_extra (obs_id, run_id, t_ms, points) VALUES (?, 1, ?, ?)').run(id, id * 33.3, Buffer.from([id, 1, 2]));
    }
  };

  it('carry a run\'s observations to another folder, giving new ids and keeping what points at them', () => {
    const a = open();
    seed(a, [5, 9, 12]);
    const rows = readRunRows(a, 1);
    expect(Object.keys(rows).sort()).toEqual(['face_extra', 'face_frame', 'face_geometry', 'face_obs', 'voice_obs']);
    const b = open();
    seed(b, [1, 2]); // ids 1 and 2 are taken there
    newRun(b);
    expect(writeRunRows(b, 2, rows)).toBe(6);
    const moved = b.prepare('SELECT o.id, o.t_ms AS t, hex(e.points) AS p FROM face_obs o JOIN face_extra e ON e.obs_id = o.id WHERE o.run_id = 2 ORDER BY o.id').all();
    expect(moved).toEqual([
      { id: 3, t: 5 * 33.3, p: '050102' },
      { id: 4, t: 9 * 33.3, p: '090102' },
      { id: 5, t: 12 * 33.3, p: '0C0102' },
    ]);
  });

  it('refuse tables of another shape and leave nothing behind', () => {
    const a = open();
    seed(a, [1]);
    const rows = readRunRows(a, 1);
    const b = openDatabase(path.join(tempDir(), 'db.sqlite'));
    session(b);
    newRun(b);
    expect(() => writeRunRows(b, 1, rows)).toThrow(RunRowsError);
    expect(() => writeRunRows(b, 1, rows)).toThrow(/observation tables differ \(bundle: face_extra, face_frame, face_geometry, face_obs, voice_obs; here: face_frame, face_geometry, face_obs, voice_obs\)/);
    const { face_extra: _, ...known } = rows;
    expect(() => writeRunRows(b, 1, { ...known, face_obs: { ...known.face_obs, columns: known.face_obs.columns.slice(1) } })).toThrow(/columns of face_obs differ/);
    expect(b.prepare('SELECT COUNT(*) AS n FROM face_obs').get()).toEqual({ n: 0 });
  });
});

describe('connection options', () => {
  it('keep passwords out of what is shown, and take them from a private file', () => {
    expect(redactUrl('redis://user:s3cret@lab-redis:6380/2')).toBe('redis://user:***@lab-redis:6380/2');
    expect(redactUrl('nonsense')).toBe('(not a Redis URL)');
    const o = redisOptions({ url: 'rediss://lab-redis.example:6380/2', password: 'pw' });
    expect(o).toMatchObject({ host: 'lab-redis.example', port: 6380, db: 2, password: 'pw', tls: { servername: 'lab-redis.example' } });
    expect(redisOptions({ url: 'redis://:from%20url@10.0.0.5' })).toMatchObject({ host: '10.0.0.5', port: 6379, password: 'from url', tls: undefined });
    expect(() => redisOptions({ url: 'http://x' })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisOptions({ url: 'redis://x', caFile: '/ca.pem' })).toThrow(/only used with a rediss/);
    const file = path.join(tempDir(), 'pw');
    writeFileSync(file, 'hunter2\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    if (process.platform !== 'win32') expect(() => readPasswordFile(file)).toThrow(/can be read by other users; chmod 600/);
    chmodSync(file, 0o600);
    expect(readPasswordFile(file)).toBe('hunter2');
  });

  it('tell job ids of this folder apart from anything else in the queue', () => {
    expect(parseJobId(jobIdOf('0'.repeat(32), 12))).toEqual({ folder: '0'.repeat(32), localId: 12 });
    for (const id of ['12', 'x-1', `${'0'.repeat(32)}-0`, `${'0'.repeat(32)}-1-2`]) expect(parseJobId(id)).toBeNull();
  });

  it('name every model difference between submitter and worker', () => {
    const m = (task: string, id: string, h: string) => ({ task, id, sha256: h.repeat(64) });
    expect(modelMismatch([m('vad', 'silero', 'a')], [m('vad', 'silero', 'a')])).toBeNull();
    expect(modelMismatch([m('vad', 'silero', 'a'), m('face-emotion', 'fer', 'b')], [m('vad', 'silero', 'c'), m('face-emotion', 'mini', 'b'), m('voice-emotion', 'v', 'd')])).toBe(
      'vad: silero differs (submitter sha256 aaaaaaaaaaaa…, worker cccccccccccc…); face-emotion: the submitter runs fer, the worker mini; voice-emotion: the worker runs v, the submitter has none',
    );
  });
});

describe('scratch folders left by workers', () => {
  it('are removed at start, but not one a running worker holds nor one another worker has just made', () => {
    const root = tempDir();
    const dirs = ['affect-worker-dead', 'affect-worker-running', 'affect-worker-just-made'].map((n) => path.join(root, n));
    for (const d of dirs) mkdirSync(d);
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(dirs[0], hourAgo, hourAgo);
    utimesSync(dirs[1], hourAgo, hourAgo);
    const release = acquireDataLock(dirs[1]);
    utimesSync(dirs[1], hourAgo, hourAgo); // the lock's files touched it
    try {
      expect(removeStaleScratch(root)).toBe(1);
      expect(dirs.map((d) => existsSync(d))).toEqual([false, true, true]);
      // Once it is older than its set-up time and nobody holds it, the young one goes too.
      expect(removeStaleScratch(root, Date.now() + 3600_000)).toBe(1);
      expect(dirs.map((d) => existsSync(d))).toEqual([false, true, false]);
    } finally {
      release();
    }
  });
});
