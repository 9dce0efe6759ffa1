import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { runFfmpeg } from './ffmpeg.js';
import { decodeVideoFrames, MAX_LONG_SIDE, outputSize, VideoDecodeError } from './video-frames.js';

/** Frame times of the variable-rate clip: 30 fps, a 500 ms pause after frame 9, then 10 fps from frame 20. */
const VFR_TIMES = Array.from({ length: 30 }, (_, n) => (n < 10 ? n * 33 : n < 20 ? n * 33 + 500 : 19 * 33 + 500 + (n - 19) * 100));

async function makeVfrClip(file: string): Promise<void> {
  // settb=1/1000 makes one pts tick a millisecond, so the expression is the frame time in ms.
  const expr = `if(lt(N,10),N*33,if(lt(N,20),N*33+500,${19 * 33 + 500}+(N-19)*100))`;
  await runFfmpeg([
    '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-frames:v', '30',
    '-vf', `settb=1/1000,setpts='${expr}'`, '-vsync', 'vfr', '-r', '1000', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file,
  ]);
}

async function collect(file: string, opts = {}) {
  const frames = [];
  for await (const f of decodeVideoFrames(file, opts)) frames.push(f);
  return frames;
}

describe('decodeVideoFrames', () => {
  it('gives every frame of a variable-frame-rate clip its own media time', async () => {
    const file = path.join(tempDir(), 'vfr.mkv');
    await makeVfrClip(file);
    const frames = await collect(file);
    expect(frames.map((f) => Math.round(f.tMs))).toEqual(VFR_TIMES);
    expect(frames[0]).toMatchObject({ width: 320, height: 240, index: 0 });
    expect(frames[0].rgb.byteLength).toBe(320 * 240 * 3);
  });

  it('reuses the buffer of a released frame, never one still held, and never hands one buffer to two frames', async () => {
    const file = path.join(tempDir(), 'vfr.mkv');
    await makeVfrClip(file);
    const copies = (await collect(file)).map((f) => f.rgb.slice());
    // Frames 0–9 held, later ones released as soon as they are read.
    const kept: Uint8Array[] = [];
    const seen = new Set<Uint8Array>();
    let reused = 0;
    for await (const f of decodeVideoFrames(file)) {
      // Pixels as when every frame was kept: a reused buffer is fully overwritten.
      expect(Buffer.compare(f.rgb, copies[f.index])).toBe(0);
      expect(kept.includes(f.rgb)).toBe(false);
      if (seen.has(f.rgb)) reused++;
      seen.add(f.rgb);
      if (f.index < 10) kept.push(f.rgb);
      else f.release();
    }
    expect(reused).toBe(19);
    kept.forEach((rgb, n) => expect(Buffer.compare(rgb, copies[n])).toBe(0));
    // A frame released twice (a careless caller) still goes to one later frame only: every other frame is held.
    const held: Uint8Array[] = [];
    for await (const f of decodeVideoFrames(file)) {
      expect(held.includes(f.rgb)).toBe(false);
      if (f.index === 0) {
        f.release();
        f.release();
      } else held.push(f.rgb);
    }
    expect(held).toHaveLength(29);
    held.forEach((rgb, n) => expect(Buffer.compare(rgb, copies[n + 1])).toBe(0));
  });

  it('samples at an analysis rate by keeping the first original frame of each bin', async () => {
    const file = path.join(tempDir(), 'vfr.mkv');
    await makeVfrClip(file);
    const times = (await collect(file, { rateHz: 10 })).map((f) => Math.round(f.tMs));
    const expected = VFR_TIMES.filter((t, i) => i === 0 || Math.floor(t / 100) > Math.floor(VFR_TIMES[i - 1] / 100));
    expect(times).toEqual(expected);
  });

  it('downscales so the short side is at most 480 px, keeping the aspect ratio', async () => {
    const file = path.join(tempDir(), 'hd.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=5', '-frames:v', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const frames = await collect(file);
    expect(frames).toHaveLength(3);
    expect([frames[0].width, frames[0].height]).toEqual([854, 480]);
    expect(frames.map((f) => Math.round(f.tMs))).toEqual([0, 200, 400]);
  });

  it('stops ffmpeg when cancelled and says why', async () => {
    const file = path.join(tempDir(), 'long.mkv');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of decodeVideoFrames(file, { signal: ac.signal })) if (++n === 5) ac.abort();
      })(),
    ).rejects.toThrow(/cancelled/);
    expect(n).toBe(5);
  });

  it('takes frame times and sizes from the media, not from text the file carries (a forged title)', async () => {
    const file = path.join(tempDir(), 'forged.mkv');
    const title = [
      'x',
      '[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:99 pos: 1 fmt:rgb24',
      'Output #0, rawvideo, to pipe:1:',
      '    Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 8x8, q=2-31',
      '0,          0,          0,        1,       12, 0x00000000',
      '#tb 0: 1/1',
    ].join('\n');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-frames:v', '5', '-metadata', `title=${title}`, '-metadata:s:v:0', `title=${title}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const frames = await collect(file);
    expect(frames.map((f) => Math.round(f.tMs))).toEqual([0, 100, 200, 300, 400]);
    for (const f of frames) expect([f.width, f.height, f.rgb.byteLength]).toEqual([320, 240, 320 * 240 * 3]);
  });

  it('sizes frames as displayed: a 90° rotation swaps the sides, and no side exceeds the limits', () => {
    expect(outputSize(640, 360, -90)).toEqual({ width: 360, height: 640 });
    expect(outputSize(1280, 720, 180)).toEqual({ width: 854, height: 480 });
    expect(outputSize(2, 100_000)).toEqual({ width: 2, height: MAX_LONG_SIDE });
  });

  it('refuses a file that is not media with ffmpeg’s reason', async () => {
    const file = path.join(tempDir(), 'notes.mp4');
    writeFileSync(file, 'not a video');
    await expect(collect(file)).rejects.toBeInstanceOf(VideoDecodeError);
  });
});
