import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { MediaProbeError, platformMediaTools, probeMedia, runFfmpeg } from './ffmpeg.js';

function fakeTool(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), '#!/bin/sh\n');
  chmodSync(path.join(dir, name), 0o755);
}

describe('which ffmpeg decodes media', () => {
  it.skipIf(process.platform === 'win32')('prefers a platform folder holding both ffmpeg and ffprobe, on the PATH in order, absolute entries only', () => {
    const root = tempDir();
    fakeTool(path.join(root, 'only-ffmpeg'), 'ffmpeg');
    fakeTool(path.join(root, 'both'), 'ffmpeg');
    fakeTool(path.join(root, 'both'), 'ffprobe');
    const found = platformMediaTools(['relative/bin', path.join(root, 'only-ffmpeg'), path.join(root, 'both')].join(path.delimiter));
    expect(found).toEqual({ ffmpeg: path.join(root, 'both', 'ffmpeg'), ffprobe: path.join(root, 'both', 'ffprobe') });
  });
});

describe('hostile media files', () => {
  it('will not open a playlist dressed as a clip that pulls in other local files', async () => {
    const dir = tempDir();
    const other = path.join(dir, 'other.ts');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=5', '-frames:v', '5', '-c:v', 'mpeg2video', '-f', 'mpegts', other]);
    const evil = path.join(dir, 'evil.mp4');
    writeFileSync(evil, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${other}\n#EXT-X-ENDLIST\n`);
    await expect(probeMedia(evil)).rejects.toBeInstanceOf(MediaProbeError);
  });
});
