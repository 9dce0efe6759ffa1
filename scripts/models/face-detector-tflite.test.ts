import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../e2e/fixtures/paths.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { FaceDetector, type DetectedFace } from '../../src-main/core/inference/face/face-detector.js';
import { iou } from '../../src-shared/box.js';
import { defaultModelFor, getModel, loadManifest, sha256File } from '../../src-main/core/inference/manifest.js';
import { decodeVideoFrames } from '../../src-main/core/media/video-frames.js';
import { faceSpeechClip } from '../../src-main/core/test-support/face-speech-clip.js';
import { staleGeneratedFiles } from './tflite/generate-metadata-ts.js';
import { ChromiumPreviewDetector, type RgbaFrame } from './tflite/chromium-preview-detector.js';
import { readImageModelMetadata, TFLITE_METADATA } from './tflite/image-model-metadata.js';
import { addTfliteMetadata, tfliteBuffers, tfliteIo, tfliteMetadata } from './tflite/tflite-model.js';
import { buildFaceDetectorTflite, MODEL_ID, sourceModelPath } from './write-face-detector-tflite.js';

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
const hasFlatc = spawnSync('flatc', ['--version'], { stdio: 'ignore' }).status === 0;
const chromium = (() => {
  try {
    return chromiumPath();
  } catch {
    return null;
  }
})();

describe('TFLite metadata for the preview face detector', () => {
  const source = new Uint8Array(readFileSync(sourceModelPath()));
  const built = buildFaceDetectorTflite(source);

  it('the script makes the committed model, and the manifest names its sha256 and Apache-2.0 licence', () => {
    const entry = getModel(loadManifest(modelsDir), MODEL_ID);
    const file = path.join(modelsDir, entry.file);
    expect(sha256File(file)).toBe(entry.sha256);
    expect(Buffer.compare(readFileSync(file), Buffer.from(built))).toBe(0);
    expect(entry.licence).toBe('Apache-2.0');
    expect(entry.task).toBe('face-detector-preview');
  });

  it('the source has no metadata; the result has the input normalisation tasks-vision needs, and the same graph and weights', () => {
    expect(tfliteMetadata(source).has(TFLITE_METADATA)).toBe(false);
    const meta = readImageModelMetadata(tfliteMetadata(built).get(TFLITE_METADATA)!);
    expect(meta.inputs).toEqual([{ name: 'image', colorSpace: 'RGB', mean: [127.5], std: [127.5] }]);
    expect(meta.outputs.map((o) => o.name)).toEqual(['regressors', 'classificators']);
    expect(meta.minParserVersion).toBe('1.0.0');
    expect(tfliteIo(built)).toEqual(tfliteIo(source));
    const before = tfliteBuffers(source);
    const after = tfliteBuffers(built);
    // One buffer more (the metadata); every original buffer byte-identical.
    expect(after.length).toBe(before.length + 1);
    before.forEach((b, i) => expect(Buffer.compare(Buffer.from(b), Buffer.from(after[i]))).toBe(0));
  });

  it('refuses a source it was not written for, and metadata the model already has', () => {
    expect(() => buildFaceDetectorTflite(built)).toThrow(/sha256/);
    expect(() => addTfliteMetadata(built, [{ name: TFLITE_METADATA, data: new Uint8Array(8) }])).toThrow(/already has/);
  });

  it.skipIf(!hasFlatc)('the committed TypeScript for metadata-schema.fbs is what flatc generates (needs flatc: apt-get install flatbuffers-compiler)', () => {
    expect(staleGeneratedFiles()).toEqual([]);
  });
});

describe('tasks-vision FaceDetector with the written model, against the ONNX detector', () => {
  let frames: RgbaFrame[] = [];
  let skip: string | null = chromium ? null : 'no Chromium (apt-get install chromium)';
  let svc: InferenceService | null = null;
  let page: Awaited<ReturnType<typeof ChromiumPreviewDetector.open>> | null = null;

  beforeAll(async () => {
    if (skip) return;
    const clip = await faceSpeechClip(6);
    if ('skip' in clip) {
      skip = clip.skip;
      return;
    }
    for await (const f of decodeVideoFrames(clip.file)) {
      const rgba = new Uint8Array(f.width * f.height * 4);
      for (let i = 0, j = 0; i < f.rgb.length; i += 3, j += 4) {
        rgba[j] = f.rgb[i];
        rgba[j + 1] = f.rgb[i + 1];
        rgba[j + 2] = f.rgb[i + 2];
        rgba[j + 3] = 255;
      }
      frames.push({ width: f.width, height: f.height, rgba, tMs: f.tMs });
    }
  }, 120_000);
  afterAll(async () => {
    await page?.close();
    await svc?.close();
    frames = [];
  });

  it('tasks-vision refuses the published file without the metadata (the reason for the script)', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const file = sourceModelPath();
    await expect(ChromiumPreviewDetector.open({ chromiumPath: chromium!, modelFile: file, modelSha256: sha256File(file), frames: [] })).rejects.toThrow(/NormalizationOptions/);
  }, 60_000);

  it('loads in Chromium from this origin only, and its boxes match the ONNX detector (IoU >= 0.8) on >= 95% of the test clip\'s frames, at full size and at the size the app detects at', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const manifest = loadManifest(modelsDir);
    const entry = getModel(manifest, MODEL_ID);
    page = await ChromiumPreviewDetector.open({ chromiumPath: chromium!, modelFile: path.join(modelsDir, entry.file), modelSha256: entry.sha256, frames });
    const runs = { 'full size': await page.detect(), 'detection size': await page.detect(0, frames.length, true) };
    expect(page.requests.every((u) => u.startsWith(`${page!.origin}/`))).toBe(true);

    svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
    const detEntry = defaultModelFor(manifest, 'face-detector');
    await svc.load(detEntry.id);
    const onnx = FaceDetector.fromManifest(svc, detEntry);
    const reference: DetectedFace[][] = [];
    for (let i = 0; i < frames.length; i += 10) {
      const batch = frames.slice(i, i + 10).map((f) => ({ tMs: f.tMs, width: f.width, height: f.height, data: f.rgba, channels: 4 as const }));
      reference.push(...(await onnx.detect(batch)));
    }

    expect(frames.length).toBeGreaterThanOrEqual(150);
    for (const [name, preview] of Object.entries(runs)) {
      let agree = 0;
      const ious: number[] = [];
      preview.forEach((p, i) => {
        const a = [...p.faces].sort((x, y) => y.score - x.score)[0];
        const b = [...reference[i]].sort((x, y) => y.score - x.score)[0];
        if (!a && !b) agree++;
        else if (a && b) {
          const v = iou(a.box, b.box);
          ious.push(v);
          if (v >= 0.8) agree++;
        }
      });
      ious.sort((x, y) => x - y);
      const ms = preview.map((p) => p.ms).sort((x, y) => x - y);
      console.log(
        `tasks-vision (${page.delegate}: ${page.reason}) at ${name} vs ONNX on ${frames.length} frames: agree on ${agree} (${((100 * agree) / frames.length).toFixed(1)}%), ` +
          `IoU median ${ious[Math.floor(ious.length / 2)]?.toFixed(3)}, min ${ious[0]?.toFixed(3)}; median ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms per frame`,
      );
      // The clip shows one face throughout: both detectors must find it, not merely agree on nothing.
      expect(ious.length).toBeGreaterThanOrEqual(0.95 * frames.length);
      expect(agree / frames.length).toBeGreaterThanOrEqual(0.95);
    }
  }, 180_000);
});
