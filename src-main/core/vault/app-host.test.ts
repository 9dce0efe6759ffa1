import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VaultStatus } from '../../../src-shared/contract/vault.js';
import type { Result } from '../../../src-shared/errors.js';
import { createCore } from '../app-core.js';
import { importMediaFiles } from '../media/import-media.js';
import { sessionFolder } from '../recording/session-folder.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import type { CallContext } from '../rpc/dispatch.js';
import { operatorCtx } from '../test-support/governance.js';
import { AppHost } from './app-host.js';
import { encryptFolder } from './encrypt-folder.js';
import { newKeyFile, writeKeyFile } from './key-file.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';
const PASS = 'a test passphrase';
let ctx: CallContext = { clientId: 'test' };
let clip: string;
let host: AppHost | null = null;

beforeAll(async () => {
  clip = await makeWebm(path.join(tempDir(), 'clip.webm'), 2);
});
afterEach(async () => {
  await host?.close();
  host = null;
});

async function call<T>(h: AppHost, method: string, input: unknown = {}): Promise<T> {
  const r = (await h.handle(method, input, ctx)) as Result<T>;
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

/** Every file under the folder, as bytes. */
function allFiles(dir: string): Array<{ file: string; bytes: Buffer }> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) out.push({ file, bytes: readFileSync(file) });
  }
  return out;
}

function expectNoClearText(dir: string, ...needles: string[]): void {
  for (const { file, bytes } of allFiles(dir)) {
    for (const n of needles) expect(bytes.includes(n), `${n} in ${file}`).toBe(false);
    expect(bytes.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), `Matroska header in ${file}`).toBe(false);
  }
}

/** A clear folder as made before encryption: a participant, a session with a note, an imported clip. */
async function clearFolder(): Promise<{ dataDir: string; sessionId: number; fileName: string }> {
  const dataDir = tempDir();
  const core = await createCore({ dataDir });
  const p = core.services.participants.create('P-CLEAR-77');
  const s = core.services.sessions.create({ participantId: p.id, protocol: 'screening', operatorId: null, note: 'note-about-tremor' });
  const [r] = await importMediaFiles({ db: core.services.db, dataDir, sessions: core.services.sessions }, s.id, [clip]);
  if (!r.ok) throw new Error(r.message);
  await core.close();
  return { dataDir, sessionId: s.id, fileName: r.media.fileName };
}

function waitFor(h: AppHost, pred: (s: VaultStatus) => boolean): Promise<VaultStatus> {
  return new Promise((resolve) => {
    if (pred(h.status())) return resolve(h.status());
    const off = h.events.subscribe((name, payload) => {
      if (name === 'vault.changed' && pred(payload as VaultStatus)) {
        off();
        resolve(payload as VaultStatus);
      }
    });
  });
}

describe('application lock', () => {
  it('makes a new folder encrypted, serves nothing while locked, and unlocks with passphrase or recovery key', async () => {
    const dataDir = tempDir();
    host = await AppHost.open({ dataDir });
    expect(host.status().state).toBe('setup');
    await expect(call(host, 'participants.list')).rejects.toMatchObject({ code: 'locked' });
    await expect(call(host, 'vault.setup', { passphrase: 'short' })).rejects.toThrow(/at least 10/);

    const { recoveryKey, status } = await call<{ recoveryKey: string; status: VaultStatus }>(host, 'vault.setup', { passphrase: PASS });
    expect(status.state).toBe('unlocked');
    expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    ctx = operatorCtx(host.current!);
    await call(host, 'participants.create', { code: 'P-SECRET-9' });
    expect(await call<unknown[]>(host, 'participants.list')).toHaveLength(1);

    await call(host, 'vault.lock');
    expect(host.status()).toMatchObject({ state: 'locked', idleLockMinutes: null });
    expect(host.current).toBeNull();
    await expect(call(host, 'participants.list')).rejects.toMatchObject({ code: 'locked' });
    expect(await host.openMedia(1, 'recording.webm')).toEqual({ ok: false, why: 'locked' });
    expectNoClearText(dataDir, 'P-SECRET-9');

    await expect(call(host, 'vault.unlock', { passphrase: 'not the passphrase' })).rejects.toMatchObject({ code: 'invalid_input' });
    await call(host, 'vault.unlock', { recoveryKey });
    expect(await call<unknown[]>(host, 'participants.list')).toHaveLength(1);

    // A passphrase change needs the current one and leaves the recovery key working.
    await expect(call(host, 'vault.changePassphrase', { current: 'wrong passphrase', next: 'another passphrase' })).rejects.toMatchObject({ code: 'invalid_input' });
    await call(host, 'vault.changePassphrase', { current: PASS, next: 'another passphrase' });
    await host.close();
    host = await AppHost.open({ dataDir });
    expect(host.status().state).toBe('locked');
    await expect(call(host, 'vault.unlock', { passphrase: PASS })).rejects.toMatchObject({ code: 'invalid_input' });
    await call(host, 'vault.unlock', { passphrase: 'another passphrase' });
    expect(host.status().state).toBe('unlocked');
  });

  it('locks itself after the idle time and not while in use', async () => {
    host = await AppHost.open({ dataDir: tempDir(), idleCheckMs: 20, minuteMs: 200 });
    await call(host, 'vault.setup', { passphrase: PASS });
    ctx = operatorCtx(host.current!);
    await call(host, 'vault.setIdleLock', { minutes: 1 });
    const started = Date.now();
    // Requests keep it open…
    while (Date.now() - started < 500) {
      await call(host, 'participants.list');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(host.status().state).toBe('unlocked');
    // …and it locks once they stop.
    await waitFor(host, (s) => s.state === 'locked');
    expect(host.current).toBeNull();
    await call(host, 'vault.unlock', { passphrase: PASS });
    expect(host.status().idleLockMinutes).toBe(1);
  });
});

describe('encrypting a clear folder', () => {
  it('encrypts media and database in place, verified, and opens the same data afterwards', async () => {
    const { dataDir, sessionId, fileName } = await clearFolder();
    const clipBytes = readFileSync(clip);
    host = await AppHost.open({ dataDir });
    expect(host.status().state).toBe('clear');
    ctx = operatorCtx(host.current!);
    expect(await call<unknown[]>(host, 'participants.list')).toHaveLength(1);
    const steps: VaultStatus[] = [];
    host.events.subscribe((name, p) => name === 'vault.changed' && steps.push(p as VaultStatus));
    const { recoveryKey } = await call<{ recoveryKey: string }>(host, 'vault.encrypt', { passphrase: PASS });
    expect(recoveryKey).toHaveLength(39);
    await waitFor(host, (s) => s.state === 'unlocked');
    expect(steps.map((s) => s.migration?.phase).filter(Boolean)).toEqual(expect.arrayContaining(['media', 'database', 'done']));

    expectNoClearText(dataDir, 'P-CLEAR-77', 'note-about-tremor');
    expect(await call<Array<{ code: string }>>(host, 'participants.list')).toEqual([expect.objectContaining({ code: 'P-CLEAR-77' })]);
    const opened = await host.openMedia(sessionId, fileName);
    if (!opened.ok) throw new Error(opened.why);
    expect(opened.reader.size).toBe(clipBytes.length);
    const parts: Buffer[] = [];
    for await (const b of opened.reader.range(1000, 70_000)) parts.push(b);
    expect(Buffer.concat(parts).equals(clipBytes.subarray(1000, 70_001))).toBe(true);
    await opened.reader.close();
    expect(readdirSync(sessionFolder(dataDir, sessionId))).toEqual([fileName]);
  });

  it('continues an interrupted migration after unlocking, without losing or duplicating a file', async () => {
    const { dataDir, sessionId, fileName } = await clearFolder();
    const { file, keys } = await newKeyFile(PASS);
    writeKeyFile(dataDir, file);
    // "Crash" part-way through the first media file.
    await expect(
      encryptFolder(dataDir, keys, (p) => {
        if (p.doneBytes > 0) throw new Error('power cut');
      }),
    ).rejects.toThrow('power cut');
    // A real crash also leaves the half-written encrypted copy behind.
    writeFileSync(path.join(sessionFolder(dataDir, sessionId), `${fileName}.encrypting`), 'AFSEALED half-written');

    host = await AppHost.open({ dataDir });
    expect(host.status()).toMatchObject({ state: 'migrating', migration: { interrupted: true } });
    await expect(call(host, 'participants.list')).rejects.toMatchObject({ code: 'locked' });
    await call(host, 'vault.unlock', { passphrase: PASS });
    expect(host.status().state).toBe('unlocked');
    expectNoClearText(dataDir, 'P-CLEAR-77', 'note-about-tremor');
    expect(readdirSync(sessionFolder(dataDir, sessionId))).toEqual([fileName]);
    const opened = await host.openMedia(sessionId, fileName);
    expect(opened.ok && opened.reader.size).toBe(readFileSync(clip).length);
    if (opened.ok) await opened.reader.close();
  });
});
