import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffprobePath, runFfmpeg } from '../media/ffmpeg.js';
import { makeWebm, tempDir } from './make-media.js';
import { ffprobeReads } from './sealed-probe.js';

describe('ffprobeReads, the check that stored media is sealed', () => {
  it('reads clear WebM and WAV, and not random bytes named like them', async () => {
    const dir = tempDir('affect-sealed-probe-');
    const webm = await makeWebm(path.join(dir, 'clear.webm'), 1);
    const wav = path.join(dir, 'clear.wav');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=200:sample_rate=16000:duration=1', '-c:a', 'pcm_s16le', wav]);
    expect((await ffprobeReads(ffprobePath(), webm)).readable).toBe(true);
    expect((await ffprobeReads(ffprobePath(), wav)).readable).toBe(true);
    for (const name of ['a.webm', 'b.wav', 'c.avi', 'd.playable.webm']) {
      const f = path.join(dir, name);
      writeFileSync(f, randomBytes(256 * 1024));
      const seen = await ffprobeReads(ffprobePath(), f);
      expect(seen.readable, seen.said).toBe(false);
    }
  });
});
