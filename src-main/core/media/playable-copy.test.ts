import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { makeVp6Flv } from '../test-support/vp6-flv.js';
import { measureMediaExtentMs, probeMedia, runFfmpeg } from './ffmpeg.js';
import { makePlayableCopy, type PlayablePlan, playablePlan } from './playable-copy.js';
import { decodeVideoFrames } from './video-frames.js';

const dir = tempDir('affect-playable-');
const out = path.join(dir, 'session');
mkdirSync(out);

async function make(name: string, args: string[]): Promise<string> {
  const file = path.join(dir, name);
  await runFfmpeg(['-y', ...args, file]);
  return file;
}

const pattern = (seconds: number, rate = 30, size = '320x240') => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=300:sample_rate=44100:duration=${seconds}`];

async function frameTimes(file: string): Promise<number[]> {
  const t: number[] = [];
  for await (const f of decodeVideoFrames(file, { maxShortSide: 64 })) t.push(f.tMs);
  return t;
}

function notPlayable(p: PlayablePlan): Extract<PlayablePlan, { playable: false }> {
  if (p.playable) throw new Error('expected a clip the browser cannot play');
  return p;
}

let avi: string;
let vfrAvi: string;

beforeAll(async () => {
  avi = await make('clip.avi', [...pattern(3), ...tone(3), '-c:v', 'mjpeg', '-q:v', '5', '-c:a', 'pcm_s16le', '-shortest']);
  // A camera that dropped frames: 25 fps with 40 % of the frames missing at irregular times.
  vfrAvi = await make('vfr.mkv', [...pattern(4, 25), '-vf', "select='not(eq(mod(n,5),1))*not(eq(mod(n,7),3))'", '-vsync', 'passthrough', '-c:v', 'mjpeg', '-q:v', '8']);
}, 120_000);

describe('which clips need a playable copy', () => {
  it('leaves clips a browser plays alone: MP4 H.264 + AAC, WebM, WAV, FLAC, MP3, Ogg Opus, M4A AAC', async () => {
    const files = await Promise.all([
      make('h264.mp4', [...pattern(1), ...tone(1), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']),
      make('vp8.webm', [...pattern(1), ...tone(1), '-c:v', 'libvpx', '-deadline', 'realtime', '-c:a', 'libopus', '-shortest']),
      make('speech.wav', [...tone(1), '-c:a', 'pcm_s16le']),
      make('speech.flac', [...tone(1)]),
      make('speech.mp3', [...tone(1)]),
      make('speech.opus', [...tone(1), '-c:a', 'libopus']),
      make('speech.m4a', [...tone(1), '-c:a', 'aac']),
    ]);
    for (const f of files) expect({ f: path.basename(f), plan: playablePlan(await probeMedia(f)) }).toEqual({ f: path.basename(f), plan: { playable: true } });
  });

  it('copies what a browser cannot play, saying why: AVI MJPEG + PCM, 10-bit H.264, MPEG-2 PS, FLV (Sorenson and VP6), ProRes MOV, H.265 MKV; the VP9 video of a Matroska clip with PCM audio is copied as it is', async () => {
    const aviPlan = notPlayable(playablePlan(await probeMedia(avi)));
    expect(aviPlan).toMatchObject({ video: 'encode', audio: 'encode' });
    expect(aviPlan.reason).toBe('avi with mjpeg video and pcm_s16le audio does not play in the app');
    const hi10 = await make('hi10.mp4', [...pattern(1), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le']);
    expect(notPlayable(playablePlan(await probeMedia(hi10))).reason).toContain('h264 (yuv420p10le) video');
    const mpg = await make('dvd.mpg', [...pattern(1), ...tone(1), '-c:v', 'mpeg2video', '-c:a', 'mp2', '-shortest', '-f', 'vob']);
    expect(notPlayable(playablePlan(await probeMedia(mpg)))).toMatchObject({ video: 'encode', audio: 'encode' });
    const flv = await make('old.flv', [...pattern(1), ...tone(1), '-c:v', 'flv1', '-c:a', 'libmp3lame', '-ar', '44100', '-shortest']);
    expect(notPlayable(playablePlan(await probeMedia(flv)))).toMatchObject({ video: 'encode', audio: 'encode' });
    // On2 VP6 in FLV (Flash-era corpora), ProRes in QuickTime (editing suites), H.265 in Matroska (newer cameras).
    const vp6 = await makeVp6Flv(path.join(dir, 'vp6.flv'), { seconds: 1, audio: await make('tone.wav', [...tone(1), '-c:a', 'pcm_s16le']) });
    expect(notPlayable(playablePlan(await probeMedia(vp6)))).toMatchObject({ video: 'encode', audio: 'encode', reason: 'flv with vp6f video and mp3 audio does not play in the app' });
    const prores = await make('prores.mov', [...pattern(1), ...tone(1), '-c:v', 'prores_ks', '-profile:v', '0', '-c:a', 'pcm_s16le', '-shortest']);
    expect(notPlayable(playablePlan(await probeMedia(prores)))).toMatchObject({ video: 'encode', audio: 'encode', reason: 'mov with prores video and pcm_s16le audio does not play in the app' });
    const hevc = await make('hevc.mkv', [...pattern(1), ...tone(1), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-c:a', 'libopus', '-shortest']);
    expect(notPlayable(playablePlan(await probeMedia(hevc)))).toMatchObject({ video: 'encode', audio: 'copy', reason: 'matroska with hevc video does not play in the app' });
    const mkv = await make('vp9-pcm.mkv', [...pattern(1), ...tone(1), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'pcm_s16le', '-shortest']);
    expect(notPlayable(playablePlan(await probeMedia(mkv)))).toMatchObject({ video: 'copy', audio: 'encode' });
  }, 120_000);
});

describe('making the playable copy', () => {
  it('turns an AVI into a seekable VP9/Opus WebM with every frame at its original time, reporting progress', async () => {
    const dest = path.join(out, 'avi.webm');
    const progress: number[] = [];
    const copy = await makePlayableCopy(avi, dest, notPlayable(playablePlan(await probeMedia(avi))), { durationMs: 3000, onProgress: (f) => progress.push(f) });
    const probe = await probeMedia(dest);
    expect(probe.formatName).toContain('webm');
    expect(probe.streams.map((s) => s.codec).sort()).toEqual(['opus', 'vp9']);
    expect(playablePlan(probe)).toEqual({ playable: true });
    // The finisher wrote a duration (players need it for the seek bar).
    expect(probe.durationMs).toBeGreaterThan(2900);
    expect(copy).toMatchObject({ hasVideo: true, hasAudio: true });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    const [a, b] = await Promise.all([frameTimes(avi), frameTimes(dest)]);
    expect(b.length).toBe(a.length);
    for (const [i, t] of a.entries()) expect(Math.abs(b[i] - t)).toBeLessThanOrEqual(1);
    // Nothing but the finished file is left in the folder.
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('turns a VP6 FLV with MP3 into a WebM with every frame at its original time', async () => {
    const flv = await makeVp6Flv(path.join(dir, 'vp6-copy.flv'), { seconds: 2, fps: 15, audio: await make('tone2.wav', [...tone(2), '-c:a', 'pcm_s16le']) });
    const dest = path.join(out, 'vp6.webm');
    await makePlayableCopy(flv, dest, notPlayable(playablePlan(await probeMedia(flv))), { durationMs: 2000 });
    expect(playablePlan(await probeMedia(dest))).toEqual({ playable: true });
    const [a, b] = await Promise.all([frameTimes(flv), frameTimes(dest)]);
    expect(a.length).toBeGreaterThan(25);
    expect(b.length).toBe(a.length);
    for (const [i, t] of a.entries()) expect(Math.abs(b[i] - t)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('keeps the gaps of a clip with dropped frames instead of filling them (no frame-rate conversion)', async () => {
    const dest = path.join(out, 'vfr.webm');
    await makePlayableCopy(vfrAvi, dest, notPlayable(playablePlan(await probeMedia(vfrAvi))), { durationMs: 4000 });
    const [a, b] = await Promise.all([frameTimes(vfrAvi), frameTimes(dest)]);
    expect(a.length).toBeLessThan(100 * 0.7);
    expect(b.length).toBe(a.length);
    for (const [i, t] of a.entries()) expect(Math.abs(b[i] - t)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('keeps frame times when the audio starts before the video (the media start is the audio’s)', async () => {
    const late = await make('late-video.mkv', ['-itsoffset', '0.4', ...pattern(2), ...tone(3), '-map', '0:v', '-map', '1:a', '-c:v', 'mjpeg', '-c:a', 'pcm_s16le']);
    const dest = path.join(out, 'late.webm');
    await makePlayableCopy(late, dest, notPlayable(playablePlan(await probeMedia(late))), { durationMs: 3000 });
    const [a, b] = await Promise.all([frameTimes(late), frameTimes(dest)]);
    expect(a[0]).toBeCloseTo(400, -1);
    expect(b.length).toBe(a.length);
    for (const [i, t] of a.entries()) expect(Math.abs(b[i] - t)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('a broken clip fails with ffmpeg’s reason and leaves no file', async () => {
    const whole = await make('whole.avi', [...pattern(2), '-c:v', 'mpeg4']);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(whole);
    const cut = path.join(dir, 'cut.avi');
    // Header intact, the data garbage: probing succeeds, decoding produces nothing usable.
    writeFileSync(cut, Buffer.concat([bytes.subarray(0, 4096), Buffer.alloc(bytes.length - 4096, 0x5a)]));
    const dest = path.join(out, 'cut.webm');
    await expect(makePlayableCopy(cut, dest, { playable: false, reason: 'test', reasonNote: { key: 'test' }, video: 'encode', audio: null }, { durationMs: 2000 })).rejects.toThrow(/playable copy/);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('stops at once when cancelled and leaves no file', async () => {
    const dest = path.join(out, 'cancelled.webm');
    const ctl = new AbortController();
    const p = makePlayableCopy(avi, dest, notPlayable(playablePlan(await probeMedia(avi))), { durationMs: 3000, signal: ctl.signal });
    ctl.abort(new Error('Cancelled by the user'));
    await expect(p).rejects.toThrow('Cancelled by the user');
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('an audio-only clip becomes an Opus WebM of the same length', async () => {
    const wav = await make('alaw.mkv', [...tone(2), '-c:a', 'pcm_alaw']);
    const dest = path.join(out, 'audio.webm');
    const copy = await makePlayableCopy(wav, dest, notPlayable(playablePlan(await probeMedia(wav))), { durationMs: 2000 });
    expect(copy).toMatchObject({ hasVideo: false, hasAudio: true });
    expect((await probeMedia(dest)).streams.map((s) => s.codec)).toEqual(['opus']);
    expect(Math.abs((await measureMediaExtentMs(dest))! - 2000)).toBeLessThan(60);
  }, 60_000);
});
