// The Sessions view's work queue with the real core: clips imported as sessions (made playable, analysed),
// a broken clip failing with its reason, a restart in the middle, cancelling, and deletion taking queue
// entries and their files with it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { uploadBatchFiles } from '../../../src-shared/client/upload-batch.js';
import type { ClipSource } from '../../../src-shared/client/upload-clip.js';
import type { BatchView } from '../../../src-shared/contract/batch.js';
import { localizeNotes } from '../../../src-shared/i18n/notes.js';
import { type AppCore, createCore } from '../app-core.js';
import { openClipFile } from '../cli/clip-file.js';
import { runFfmpeg } from '../media/ffmpeg.js';
import { sessionFolder } from '../recording/session-folder.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';

const folder = tempDir('affect-corpus-');
const clips: Record<string, string> = {};
let core: AppCore | null = null;

beforeAll(async () => {
  mkdirSync(path.join(folder, 'day 2'));
  const pattern = (s: number) => ['-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=15:duration=${s}`];
  const tone = (s: number) => ['-f', 'lavfi', '-i', `sine=frequency=250:sample_rate=16000:duration=${s}`];
  const make = async (rel: string, args: string[]) => {
    clips[rel] = path.join(folder, rel);
    await runFfmpeg(['-y', ...args, clips[rel]]);
  };
  await make('a.avi', [...pattern(3), ...tone(3), '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', '-shortest']);
  await make('b.mp4', [...pattern(1), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
  await make('day 2/c.wav', [...tone(1), '-c:a', 'pcm_s16le']);
  await make('day 2/d.mkv', [...pattern(3), '-c:v', 'mpeg4']);
  clips['day 2/broken.mp4'] = path.join(folder, 'day 2', 'broken.mp4');
  writeFileSync(clips['day 2/broken.mp4'], Buffer.alloc(50_000, 7));
}, 120_000);

afterEach(async () => {
  await core?.close();
  core = null;
});

async function sources(): Promise<{ map: Map<string, ClipSource>; close(): Promise<void> }> {
  const map = new Map<string, ClipSource>();
  const opened: Array<{ close(): Promise<void> }> = [];
  for (const [rel, file] of Object.entries(clips)) {
    const o = await openClipFile(file);
    if (!('source' in o)) throw new Error(o.message);
    opened.push(o);
    map.set(rel, o.source);
  }
  return { map, close: async () => void (await Promise.all(opened.map((o) => o.close()))) };
}

/** Resolves with the batch once nothing in it is left to do. */
function settled(api: ContractClient, batchId: number, timeoutMs = 120_000): Promise<BatchView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void api.call('batch.list', {}).then((l) => reject(new Error(`the queue did not finish in time: ${JSON.stringify(l.find((x) => x.id === batchId))}`)));
    }, timeoutMs);
    const check = async () => {
      const b = (await api.call('batch.list', {})).find((x) => x.id === batchId);
      if (b && !b.summary.active) {
        clearTimeout(timer);
        off();
        resolve(b);
      }
    };
    const off = api.on('batch.item', (e) => {
      if (e.item.batchId === batchId && !e.summary.active) void check();
    });
    void check();
  });
}

async function start(dataDir: string, opts: { encrypted?: boolean } = {}) {
  let keys;
  if (opts.encrypted) {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const made = await newKeyFile('queue passphrase');
    writeKeyFile(dataDir, made.file);
    keys = made.keys;
  }
  core = await createCore({ dataDir, keys });
  const ctx = operatorCtx(core, 'Dr Queue', 'researcher');
  return { core, api: directClient(core, ctx), pid: consentedParticipant(core, 'C-001') };
}

const files = () => Object.keys(clips).map((name) => ({ name, size: readFileSync(clips[name]).length }));

describe('importing a folder through the queue', () => {
  it('makes 4 sessions from 5 clips and says why the broken one failed; a copy only where needed; nothing left over', async () => {
    const dataDir = tempDir();
    const { core: c, api, pid } = await start(dataDir);
    const batch = await api.call('batch.create', { kind: 'import', participantId: pid, protocol: 'corpus-2024', analyse: false, files: files() });
    expect(batch.items.map((i) => i.state)).toEqual(['waiting', 'waiting', 'waiting', 'waiting', 'waiting']);
    const src = await sources();
    try {
      expect(await uploadBatchFiles(api.call.bind(api), batch.items, src.map)).toBe(5);
    } finally {
      await src.close();
    }
    const done = await settled(api, batch.id);
    expect(done.summary).toMatchObject({ total: 5, done: 4, failed: 1, cancelled: 0, waiting: 0, fraction: 1, active: false });
    const broken = done.items.find((i) => i.label === 'day 2/broken.mp4')!;
    expect(broken).toMatchObject({ state: 'failed', sessionId: null });
    expect(broken.message).toMatch(/^broken\.mp4: Cannot read media file/);
    // The interface words the reason in its own language (ffprobe's words stay as they are).
    expect(localizeNotes('zh-CN', broken.notes)).toMatch(/^broken\.mp4：无法读取（Cannot read media file/);
    const sessions = c.services.sessions.list();
    expect(sessions).toHaveLength(4);
    expect(new Set(sessions.map((s) => s.protocol))).toEqual(new Set(['corpus-2024']));
    const byLabel = (l: string) => c.services.sessions.get(done.items.find((i) => i.label === l)!.sessionId!);
    // AVI (MJPEG + PCM) and MPEG-4 Part 2 in Matroska get a copy; H.264 MP4 and WAV play as they are.
    expect(byLabel('a.avi').media.map((m) => m.playable)).toEqual([false, true]);
    expect(byLabel('day 2/d.mkv').media.map((m) => m.playable)).toEqual([false, true]);
    expect(byLabel('b.mp4').media.map((m) => m.playable)).toEqual([true]);
    expect(byLabel('day 2/c.wav').media).toMatchObject([{ playable: true, hasVideo: false, hasAudio: true }]);
    expect(byLabel('a.avi')).toMatchObject({ status: 'completed' });
    // Received files were moved into their sessions; the broken one is gone; no original name on disk.
    expect(readdirSync(path.join(dataDir, 'imports'))).toEqual([]);
    for (const s of sessions) for (const n of readdirSync(sessionFolder(dataDir, s.id))) expect(n).toMatch(/^clip-[0-9a-f]{16}\.(avi|mp4|wav|mkv|playable\.webm)$/);
    const trail = c.services.db.prepare('SELECT action, detail FROM audit_log').all() as Array<{ action: string; detail: string }>;
    expect(trail.filter((e) => e.action === 'media.import')).toHaveLength(4);
    expect(trail.filter((e) => e.action === 'media.convert')).toHaveLength(2);
    expect(JSON.stringify(trail)).not.toContain('broken');
  }, 180_000);

  it('resumes after a restart in the middle: no clip lost, none imported twice', async () => {
    const dataDir = tempDir();
    let { api, pid } = await start(dataDir);
    const batch = await api.call('batch.create', { kind: 'import', participantId: pid, protocol: 'p', analyse: false, files: files() });
    // Stop as soon as the second clip is being made playable.
    const converting = new Promise<void>((resolve) => {
      const off = api.on('batch.item', (e) => {
        if (e.item.state === 'converting' && e.item.label === 'day 2/d.mkv') {
          off();
          resolve();
        }
      });
    });
    const src = await sources();
    try {
      await uploadBatchFiles(api.call.bind(api), batch.items, src.map);
    } finally {
      await src.close();
    }
    await converting;
    await core!.close();
    core = null;
    ({ api } = await start(dataDir));
    const done = await settled(api, batch.id);
    expect(done.summary).toMatchObject({ done: 4, failed: 1 });
    const sessions = core!.services.sessions.list();
    expect(sessions).toHaveLength(4);
    for (const s of sessions) {
      const names = readdirSync(sessionFolder(dataDir, s.id));
      expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
      expect(names.sort()).toEqual(s.media.map((m) => m.fileName).sort());
    }
  }, 180_000);
});

describe('the queue on an encrypted data folder', () => {
  it('imports and copies as in a clear one, and every clip it stores (inbox, originals, copies) is sealed', async () => {
    const dataDir = tempDir();
    const { core: c, api, pid } = await start(dataDir, { encrypted: true });
    const batch = await api.call('batch.create', { kind: 'import', participantId: pid, protocol: 'corpus-enc', analyse: false, files: files() });
    const src = await sources();
    try {
      expect(await uploadBatchFiles(api.call.bind(api), batch.items, src.map)).toBe(5);
    } finally {
      await src.close();
    }
    const done = await settled(api, batch.id);
    expect(done.summary).toMatchObject({ total: 5, done: 4, failed: 1 });
    const byLabel = (l: string) => c.services.sessions.get(done.items.find((i) => i.label === l)!.sessionId!);
    expect(byLabel('a.avi').media.map((m) => m.playable)).toEqual([false, true]);
    expect(byLabel('day 2/c.wav').media).toMatchObject([{ playable: true, hasVideo: false, hasAudio: true }]);
    // Hashes and sizes are the clips' own (the inbox file was sealed; it was read back through the store).
    for (const label of ['a.avi', 'b.mp4', 'day 2/c.wav', 'day 2/d.mkv']) {
      const clip = readFileSync(clips[label]);
      expect(byLabel(label).media[0]).toMatchObject({ sha256: createHash('sha256').update(clip).digest('hex'), bytes: clip.length });
    }
    for (const s of c.services.sessions.list()) {
      for (const n of readdirSync(sessionFolder(dataDir, s.id))) {
        const bytes = readFileSync(path.join(sessionFolder(dataDir, s.id), n));
        for (const header of [Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('RIFF'), Buffer.from('ftyp'), Buffer.from('Lavf')]) expect(bytes.includes(header), n).toBe(false);
      }
    }
  });
});

describe('cancelling and deleting', () => {
  it('cancels one waiting clip, then all, and a deleted participant takes the queue entries and received files along', async () => {
    const dataDir = tempDir();
    const { core: c, api, pid } = await start(dataDir);
    const batch = await api.call('batch.create', { kind: 'import', participantId: pid, protocol: 'p', analyse: false, files: files().slice(0, 3) });
    const one = await api.call('batch.cancel', { batchId: batch.id, itemId: batch.items[0].id });
    expect(one.items.map((i) => i.state)).toEqual(['cancelled', 'waiting', 'waiting']);
    expect(one.items[0].message).toBe('Cancelled by the user');
    expect(localizeNotes('zh-CN', one.items[0].notes)).toBe('已被用户取消');
    const all = await api.call('batch.cancel', { batchId: batch.id });
    expect(all.items.map((i) => i.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(all.summary.active).toBe(false);
    // A retried item waits for its file again.
    expect((await api.call('batch.retry', { itemId: batch.items[1].id })).state).toBe('waiting');
    // Half of a file arrives, then the participant is deleted with everything of theirs.
    const data = readFileSync(clips['b.mp4']);
    await api.call('batch.uploadChunk', { itemId: batch.items[1].id, seq: 0, data: data.subarray(0, 1000) });
    await api.call('participants.delete', { participantId: pid, confirmCode: 'C-001' });
    expect(await api.call('batch.list', {})).toEqual([]);
    expect(c.services.db.prepare('SELECT COUNT(*) AS n FROM batch_item').get()).toEqual({ n: 0 });
    await expect(api.call('batch.uploadDone', { itemId: batch.items[1].id })).rejects.toThrow(/does not exist/);
    expect(existsSync(path.join(dataDir, 'imports'))).toBe(true);
  }, 60_000);

  it('refuses a batch for a participant without consent to analysis, before any file is sent', async () => {
    const { core: c, api } = await start(tempDir());
    const p = c.services.participants.create('NOCONSENT');
    await expect(api.call('batch.create', { kind: 'import', participantId: p.id, protocol: 'p', files: [{ name: 'x.avi', size: 10 }] })).rejects.toThrow(/consent/i);
    expect(await api.call('batch.list', {})).toEqual([]);
  });
});
