import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameFaces } from '../../../../src-shared/contract/face.js';
import { ffmpegPath, runFfmpeg } from '../../media/ffmpeg.js';
import { openDatabase } from '../../store/database.js';
import { FaceObsRepo } from '../../store/face-obs-repo.js';
import { tempDir } from '../../test-support/make-media.js';
import { sharedDataFile } from '../../test-support/shared-data.js';
import { InferenceService } from '../../inference/inference-service.js';
import { cropGeometry, cropGray } from './align-crop.js';
import { FaceAnalyzer } from './face-analyzer.js';

const CKPLUS = sharedDataFile('video', 'face-frown-ckplus.avi');
const NEEDS = 'needs ../shared/data/video/face-frown-ckplus.avi; skipped without it';

/** Raw RGB frames of a filter graph over the CK+ clip (frame 10: a neutral face). */
async function ckFrames(filter: string, w: number, h: number, count: number): Promise<Uint8Array[]> {
  const { stdout } = await promisify(execFile)(
    ffmpegPath(),
    ['-v', 'error', '-i', CKPLUS!, '-filter_complex', `[0:v]select='gte(n\\,10)',setpts=N/30/TB,${filter},format=rgb24`, '-frames:v', String(count), '-vsync', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  const size = w * h * 3;
  expect(stdout.byteLength).toBe(size * count);
  return Array.from({ length: count }, (_, i) => new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size).slice());
}

describe('FaceAnalyzer with the real models', () => {
  let svc: InferenceService;
  let analyzer: FaceAnalyzer;
  beforeAll(async () => {
    svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 2 });
    analyzer = await FaceAnalyzer.create(svc);
  });
  afterAll(async () => {
    await svc.close();
  });

  it('reports every analysed frame of a clip without faces, with its media time and no face', async () => {
    const file = path.join(tempDir(), 'pattern.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-frames:v', '12', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const results: FrameFaces[] = [];
    const progress: number[] = [];
    const summary = await analyzer.analyzeMediaFile(file, { batchFrames: 5, onResults: (r) => void results.push(...r), onProgress: (p) => progress.push(p.frames) });
    expect(results.map((r) => Math.round(r.tMs))).toEqual(Array.from({ length: 12 }, (_, i) => i * 100));
    expect(results.every((r) => r.faces.length === 0)).toBe(true);
    expect(summary).toMatchObject({ frames: 12, framesWithFace: 0, observations: 0 });
    expect(progress).toEqual([5, 10, 12]);
  });

  it('ends at the first batch that cannot be stored: that error, nothing handed over after it, and in time order before it', async () => {
    const file = path.join(tempDir(), 'pattern.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-frames:v', '40', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const stored: number[] = [];
    let calls = 0;
    const run = analyzer.analyzeMediaFile(file, {
      batchFrames: 4,
      onResults: (r) => {
        // Batches are decoded ahead of the one being stored; the third store fails (a full disk, say).
        if (++calls === 3) throw new Error('disk full');
        stored.push(...r.map((x) => Math.round(x.tMs)));
      },
    });
    await expect(run).rejects.toThrow('disk full');
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(3);
    expect(stored).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
  });

  it.skipIf(!CKPLUS)(`tracks the participant through a recorded frown and stores it (${NEEDS})`, async () => {
    const db = openDatabase(path.join(tempDir(), 'data.sqlite'));
    db.prepare("INSERT INTO participant (code, created_at) VALUES ('P01', 'now')").run();
    db.prepare("INSERT INTO session (participant_id, protocol, operator, created_at) VALUES (1, 'p', 'o', 'now')").run();
    const runId = Number(db.prepare("INSERT INTO analysis_run (session_id, mode, software_version, started_at) VALUES (1, 'offline', 't', 'now')").run().lastInsertRowid);
    const repo = new FaceObsRepo(db);
    const results: FrameFaces[] = [];
    const summary = await analyzer.analyzeMediaFile(CKPLUS!, {
      rateHz: 10,
      onResults: (r) => {
        results.push(...r);
        repo.insertFrames(runId, r);
      },
    });
    expect(summary.frames).toBe(23);
    expect(summary.framesWithFace / summary.frames).toBeGreaterThanOrEqual(0.9);
    const faces = results.flatMap((r) => r.faces);
    expect(new Set(faces.map((f) => f.trackId))).toEqual(new Set([1]));
    expect(faces.every((f) => f.participant && f.quality.reliable)).toBe(true);
    // The clip goes from a neutral face to a frown: neutral must fall and stay low.
    const neutral = (from: number, to: number) => {
      const sel = results.filter((r) => r.tMs >= from && r.tMs < to && r.faces.length).map((r) => r.faces[0].probs[0] ?? 0);
      return sel.reduce((a, b) => a + b, 0) / sel.length;
    };
    expect(neutral(0, 400)).toBeGreaterThan(0.5);
    expect(neutral(1700, 2300)).toBeLessThan(0.2);
    expect(repo.coverage(runId)).toEqual({ frames: 23, framesWithFace: summary.framesWithFace, framesReliable: summary.framesWithFace });
    db.close();
  });

  it.skipIf(!CKPLUS)(`measures roll and crops a tilted face upright, like the untilted one (${NEEDS})`, async () => {
    const [upright] = await ckFrames('scale=720:480', 720, 480, 1);
    const [tilted] = await ckFrames('rotate=20*PI/180:fillcolor=white', 720, 480, 1);
    analyzer.resetTracks();
    const [a] = await analyzer.analyzeFrames([{ tMs: 0, width: 720, height: 480, rgb: upright }]);
    analyzer.resetTracks();
    const [b] = await analyzer.analyzeFrames([{ tMs: 0, width: 720, height: 480, rgb: tilted }]);
    expect(a.faces).toHaveLength(1);
    expect(b.faces).toHaveLength(1);
    // ffmpeg's rotate turns the picture clockwise, so the eye line gains about 20 degrees.
    const dRoll = b.faces[0].quality.rollDeg - a.faces[0].quality.rollDeg;
    expect(dRoll).toBeGreaterThan(16);
    expect(dRoll).toBeLessThan(24);
    // The classifier input of the tilted face is closer to the upright one's than an unrotated crop is.
    const crop = async (rgb: Uint8Array, align: boolean) => {
      const frame = { tMs: 0, width: 720, height: 480, data: rgb, channels: 3 as const };
      const [d] = (await analyzer.detector.detect([frame]))[0];
      const g = cropGeometry(d.box, d.landmarks, analyzer.crop);
      const out = new Float32Array(64 * 64);
      cropGray(frame, align ? g : { ...g, angle: 0 }, 64, analyzer.classifier.norm.grayWeights, out);
      return out;
    };
    const mad = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + Math.abs(v - y[i]), 0) / x.length;
    const ref = await crop(upright, true);
    const aligned = mad(ref, await crop(tilted, true));
    const unaligned = mad(ref, await crop(tilted, false));
    expect(aligned).toBeLessThan(0.7 * unaligned);
  });

  it.skipIf(!CKPLUS)(`keeps two people apart across live frames and picks the larger as participant (${NEEDS})`, async () => {
    // Two copies of the face in one 640×480 RGBA frame: large on the left, small on the right, drifting.
    const graph = "split[a][b];[a]scale=320:214[a1];[b]scale=200:134[b1];color=c=white:s=640x480:r=30[bg];[bg][a1]overlay=x='10+12*n':y=150:shortest=1[t];[t][b1]overlay=x='420-8*n':y=40";
    const frames = await ckFrames(graph, 640, 480, 4);
    analyzer.resetTracks();
    const toRgba = (rgb: Uint8Array) => {
      const out = new Uint8Array((rgb.length / 3) * 4);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) out.set([rgb[i], rgb[i + 1], rgb[i + 2], 255], j);
      return out;
    };
    const results = await analyzer.analyzeFrames(frames.slice(0, 2).map((rgb, i) => ({ tMs: i * 100, width: 640, height: 480, rgba: toRgba(rgb) })));
    results.push(...(await analyzer.analyzeFrames(frames.slice(2).map((rgb, i) => ({ tMs: 200 + i * 100, width: 640, height: 480, rgba: toRgba(rgb) })))));
    for (const r of results) {
      expect(r.faces).toHaveLength(2);
      const left = r.faces.find((f) => f.box.x < 320)!;
      const right = r.faces.find((f) => f.box.x >= 320)!;
      expect(left).toMatchObject({ trackId: 1, participant: true });
      expect(right).toMatchObject({ trackId: 2, participant: false });
    }
  });

  it('refuses a frame whose pixel buffer does not match its size', async () => {
    await expect(analyzer.analyzeFrames([{ tMs: 0, width: 64, height: 64, rgba: new Uint8Array(10) }])).rejects.toThrow(/needs 16384 bytes/);
  });
});
