import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../src-main/core/media/ffmpeg.js';
import { framePixelsToRgba, type RgbaImage } from './frame-rgba.js';
import type { FramePixels } from './preview-worker-protocol.js';

const run = promisify(execFile);

/** One frame of ffmpeg's colour test pattern through `filters`, as raw `pixFmt` bytes. */
async function ffmpegFrame(size: string, filters: string, pixFmt: string): Promise<Uint8Array<ArrayBuffer>> {
  const { stdout } = await run(
    ffmpegPath(),
    ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30,${filters}`, '-frames:v', '1', '-pix_fmt', pixFmt, '-f', 'rawvideo', '-'],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  return new Uint8Array(stdout);
}

/** ffmpeg's own conversion of raw `pixFmt` bytes to RGBA, reading them with `inMatrix` and `inRange`. */
async function ffmpegToRgba(raw: Uint8Array, size: string, pixFmt: string, inMatrix: string, inRange: 'tv' | 'pc'): Promise<Uint8Array> {
  const child = spawn(ffmpegPath(), [
    '-v', 'error', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', size, '-i', '-',
    '-vf', `scale=in_color_matrix=${inMatrix}:in_range=${inRange}`, '-pix_fmt', 'rgba', '-f', 'rawvideo', '-',
  ]);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`)))));
  child.stdin.end(raw);
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function planar(data: Uint8Array<ArrayBuffer>, w: number, h: number, format: 'I420' | 'NV12', colorSpace?: FramePixels['colorSpace']): FramePixels {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const layout =
    format === 'I420'
      ? [{ offset: 0, stride: w }, { offset: w * h, stride: cw }, { offset: w * h + cw * ch, stride: cw }]
      : [{ offset: 0, stride: w }, { offset: w * h, stride: 2 * cw }];
  return { data: data.buffer, format, width: w, height: h, layout, colorSpace };
}

/** Mean and largest absolute difference over R, G and B; alpha must be opaque. */
function diff(a: RgbaImage, ref: Uint8Array): { mean: number; max: number } {
  expect(a.data.length).toBe(ref.length);
  let sum = 0;
  let max = 0;
  let transparent = 0;
  for (let i = 0; i < ref.length; i += 4) {
    if (a.data[i + 3] !== 255) transparent++;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - ref[i + c]);
      sum += d;
      max = Math.max(max, d);
    }
  }
  expect(transparent).toBe(0);
  return { mean: sum / ((ref.length / 4) * 3), max };
}

/** The same size and the same bytes (a plain loop: deep equality on a million-element array is slow). */
function same(a: RgbaImage, b: RgbaImage): boolean {
  return a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer)) === 0;
}

describe('a camera frame as RGBA for the preview detector', () => {
  it('converts I420 (BT.601, limited range: what Chromium\'s cameras deliver) as ffmpeg does; NV12 to the same pixels', async () => {
    const i420 = await ffmpegFrame('640x480', 'format=yuv420p', 'yuv420p');
    const ref = await ffmpegFrame('640x480', 'format=yuv420p,scale=in_color_matrix=bt601:in_range=tv', 'rgba');
    const nv12 = await ffmpegFrame('640x480', 'format=yuv420p', 'nv12');
    const t0 = performance.now();
    const mine = framePixelsToRgba(planar(i420, 640, 480, 'I420', { matrix: 'smpte170m', fullRange: false }), 1)!;
    const ms = performance.now() - t0;
    const d = diff(mine, ref);
    console.log(`I420 640x480: mean |diff| ${d.mean.toFixed(2)}, max ${d.max} (ffmpeg interpolates chroma, this takes the nearest sample); ${ms.toFixed(1)} ms`);
    expect(mine.width).toBe(640);
    expect(mine.height).toBe(480);
    expect(d.mean).toBeLessThan(2);
    expect(same(framePixelsToRgba(planar(nv12, 640, 480, 'NV12', { matrix: 'smpte170m', fullRange: false }), 1)!, mine)).toBe(true);
  });

  it('uses the frame\'s matrix and range: BT.709 and full-range frames come out right, not with BT.601\'s colours', async () => {
    const bt709 = await ffmpegFrame('640x480', 'format=rgb24,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p', 'yuv420p');
    const ref709 = await ffmpegToRgba(bt709, '640x480', 'yuv420p', 'bt709', 'tv');
    const as709 = diff(framePixelsToRgba(planar(bt709, 640, 480, 'I420', { matrix: 'bt709', fullRange: false }), 1)!, ref709);
    const as601 = diff(framePixelsToRgba(planar(bt709, 640, 480, 'I420', { matrix: 'smpte170m', fullRange: false }), 1)!, ref709);
    expect(as709.mean).toBeLessThan(2);
    expect(as601.mean).toBeGreaterThan(2 * as709.mean);

    const full = await ffmpegFrame('640x480', 'format=rgb24,scale=out_color_matrix=bt601:out_range=pc,format=yuv420p', 'yuv420p');
    const refFull = await ffmpegToRgba(full, '640x480', 'yuv420p', 'bt601', 'pc');
    const asFull = diff(framePixelsToRgba(planar(full, 640, 480, 'I420', { matrix: 'smpte170m', fullRange: true }), 1)!, refFull);
    const asLimited = diff(framePixelsToRgba(planar(full, 640, 480, 'I420', { matrix: 'smpte170m', fullRange: false }), 1)!, refFull);
    console.log(`BT.709 frame: ${as709.mean.toFixed(2)} (read as BT.601: ${as601.mean.toFixed(2)}); full range: ${asFull.mean.toFixed(2)} (read as limited: ${asLimited.mean.toFixed(2)})`);
    expect(asFull.mean).toBeLessThan(2);
    expect(asLimited.mean).toBeGreaterThan(2 * asFull.mean);
  });

  it('brings a 1280x720 frame down to analysis size (853x480) by averaging, close to ffmpeg\'s area scaling', async () => {
    const i420 = await ffmpegFrame('1280x720', 'format=yuv420p', 'yuv420p');
    const ref = await ffmpegFrame('1280x720', 'format=yuv420p,scale=853:480:flags=area', 'rgba');
    const mine = framePixelsToRgba(planar(i420, 1280, 720, 'I420'), 480 / 720)!;
    expect([mine.width, mine.height]).toEqual([853, 480]);
    const d = diff(mine, ref);
    console.log(`1280x720 -> 853x480: mean |diff| ${d.mean.toFixed(2)}, max ${d.max}`);
    expect(d.mean).toBeLessThan(4);
  });

  it('reads padded rows, regions and packed RGBA/BGRX frames; refuses formats it does not know (the frame then goes to tasks-vision as is)', async () => {
    const w = 64;
    const h = 48;
    const i420 = await ffmpegFrame(`${w}x${h}`, 'format=yuv420p', 'yuv420p');
    const tight = framePixelsToRgba(planar(i420, w, h, 'I420'), 1)!;
    // The same frame with 16 bytes of padding after every row of every plane.
    const pad = 16;
    const cw = w / 2;
    const ch = h / 2;
    const padded = new Uint8Array((w + pad) * h + 2 * (cw + pad) * ch);
    const layout: PlaneLayout[] = [];
    let at = 0;
    let from = 0;
    for (const [pw, ph] of [[w, h], [cw, ch], [cw, ch]]) {
      layout.push({ offset: at, stride: pw + pad });
      for (let y = 0; y < ph; y++) padded.set(i420.subarray(from + y * pw, from + (y + 1) * pw), at + y * (pw + pad));
      from += pw * ph;
      at += (pw + pad) * ph;
    }
    expect(same(framePixelsToRgba({ data: padded.buffer, format: 'I420', width: w, height: h, layout }, 1)!, tight)).toBe(true);

    // A region (the face's, for the pixel checks) is that part of the whole picture.
    const region = framePixelsToRgba(planar(i420, w, h, 'I420'), 1, { x: 13, y: 7, width: 21, height: 30 })!;
    expect([region.width, region.height]).toEqual([21, 30]);
    let worst = 0;
    for (let y = 0; y < 30; y++) {
      for (let x = 0; x < 21; x++) {
        for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(region.data[(y * 21 + x) * 4 + c] - tight.data[((y + 7) * w + x + 13) * 4 + c]));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(framePixelsToRgba(planar(i420, w, h, 'I420'), 1, { x: w + 5, y: 0, width: 10, height: 10 })).toBeNull();

    const rgba = await ffmpegFrame(`${w}x${h}`, 'format=rgba', 'rgba');
    const bgra = await ffmpegFrame(`${w}x${h}`, 'format=rgba', 'bgra');
    const fromRgba = framePixelsToRgba({ data: rgba.buffer, format: 'RGBX', width: w, height: h, layout: [{ offset: 0, stride: w * 4 }] }, 1)!;
    const fromBgra = framePixelsToRgba({ data: bgra.buffer, format: 'BGRA', width: w, height: h, layout: [{ offset: 0, stride: w * 4 }] }, 1)!;
    expect(diff(fromRgba, rgba).max).toBe(0);
    expect(diff(fromBgra, rgba).max).toBe(0);

    expect(framePixelsToRgba({ data: i420.buffer, format: 'I420P10' as VideoPixelFormat, width: w, height: h, layout: [] }, 1)).toBeNull();
  });
});
