import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { createSessionMediaFile, removeUnfinishedMediaFiles, writeSessionMediaFile } from './session-media-file.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('writing a session media file', () => {
  it('appears under its name only when complete, private to this user, with its head patched at close', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clip.webm');
    const w = await createSessionMediaFile(file);
    await w.write(Buffer.from('hello '));
    expect(existsSync(file)).toBe(false);
    await w.write(Buffer.from('world'));
    await w.close((head) => head.write('J', 0));
    expect(readFileSync(file, 'utf8')).toBe('Jello world');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['clip.webm']);
  });

  it('never replaces a stored file, and a failed or cancelled write leaves nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clip.webm');
    writeFileSync(file, 'stored');
    await expect(writeSessionMediaFile(file, chunks('new'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('stored');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('part');
      throw new Error('disk went away');
    }
    await expect(writeSessionMediaFile(path.join(dir, 'other.webm'), failing())).rejects.toThrow('disk went away');
    expect(readdirSync(dir)).toEqual(['clip.webm']);
  });

  it('clears unfinished files a crash left in session folders at start, and nothing else', async () => {
    const data = tempDir();
    const folder = path.join(data, 'sessions', '3');
    mkdirSync(folder, { recursive: true });
    const w = await createSessionMediaFile(path.join(folder, 'clip.webm'));
    await w.write(Buffer.from('half'));
    writeFileSync(path.join(folder, 'recording.part.webm'), 'chunks');
    expect(removeUnfinishedMediaFiles(data)).toBe(1);
    expect(readdirSync(folder)).toEqual(['recording.part.webm']);
  });
});
