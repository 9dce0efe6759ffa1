/**
 * A full disk while recording, on a real (tiny tmpfs) filesystem in a private mount namespace: a failed chunk
 * leaves no partial bytes, its resend lands exactly once, and Stop on a full disk still closes the session.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeWebm, tempDir } from '../test-support/make-media.js';

const SCENARIO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-support', 'disk-full-scenario.ts');
const canMount = process.platform === 'linux' && spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs ${tempDir()}`]).status === 0;

describe.skipIf(!canMount)('recording onto a full disk (needs unshare -m and tmpfs mounts; skipped where not allowed)', () => {
  it.each([
    ['a clear', false],
    ['an encrypted', true],
  ])('keeps the file consistent and ends Stop in a clear state, in %s data folder', async (_kind, encrypted) => {
    const clip = await makeWebm(path.join(tempDir(), 'clip.webm'), 3);
    const mountPoint = tempDir();
    const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=4m tmpfs "$1" && exec "$3" --import tsx "$4" "$1" "$2"', 'sh', mountPoint, clip, process.execPath, SCENARIO], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, AFFECT_SCENARIO_ENCRYPTED: encrypted ? '1' : '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.chunk0).toMatchObject({ ok: true, value: { bytesWritten: 40_000 } });
    expect(out.chunk1Full).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/disk .* is full: chunk 1 .* send it again/) } });
    // A failed chunk leaves nothing behind: the file is as it was after the last acknowledged chunk.
    expect(out.sizeAfterFailure).toBe(out.sizeAfterChunk0);
    expect(out.chunk1Again).toMatchObject({ ok: true, value: { bytesWritten: 80_000, chunks: 2 } });
    if (!encrypted) expect([out.sizeAfterChunk0, out.sizeAfterResend]).toEqual([40_000, 80_000]);
    else expect(out.sizeAfterResend - 64).toBe(2 * (out.sizeAfterChunk0 - 64));
    expect(out.contentExact).toBe(true);
    expect(out.clearOnDisk).toBe(!encrypted);
    expect(out.chunk2Full).toMatchObject({ ok: false });
    if (!encrypted) expect(out.stop).toMatchObject({ ok: true });
    else {
      expect(out.stop).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/full: the recording is kept on disk .* press Stop again/) } });
      expect(out.stopAgain).toMatchObject({ ok: true });
    }
    expect(out.session.status).toBe('completed');
    expect(out.session.media.map((m: { fileName: string }) => m.fileName)).toEqual(['recording.webm']);
  }, 150_000);
});
