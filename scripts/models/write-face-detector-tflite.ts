/**
 * Makes MediaPipe's short-range BlazeFace model loadable by @mediapipe/tasks-vision's FaceDetector: the
 * `.tflite` in @mediapipe/face_detection (Apache-2.0) has no TFLite metadata, and tasks-vision needs at least
 * the input's normalisation for a float32 input. This adds that metadata (graph and weights stay
 * byte-identical), writes models/face-detector-blazeface-short.tflite and registers it in the manifest.
 *
 *   npx tsx scripts/models/write-face-detector-tflite.ts [--check]
 *
 * --check writes nothing and exits 1 when the committed model differs from what this script makes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyManifestEdit, REPO_MODELS_DIR } from './manifest-edit.js';
import { buildImageModelMetadata, TFLITE_METADATA } from './tflite/image-model-metadata.js';
import { addTfliteMetadata, tfliteIo, type TfliteTensorInfo } from './tflite/tflite-model.js';

export const MODEL_ID = 'face-detector-blazeface-short-tflite';
export const MODEL_FILE = 'face-detector-blazeface-short.tflite';
export const SOURCE = {
  package: '@mediapipe/face_detection',
  version: '0.4.1657300184',
  path: 'face_detection_short_range.tflite',
  // The package's file as published; another one (a new package version) needs this script re-checked.
  sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
} as const;
const SCRIPT = 'scripts/models/write-face-detector-tflite.ts';
const TFLITE_FLOAT32 = 0;

/** x = v/127.5 - 1, as the ONNX conversion of the same network (face-detector-blazeface-short) uses. */
const MEAN = 127.5;
const STD = 127.5;

export function sourceModelPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${SOURCE.package}/package.json`)), SOURCE.path);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function expectTensor(t: TfliteTensorInfo | undefined, name: string, shape: number[]): void {
  if (!t || t.name !== name || t.type !== TFLITE_FLOAT32 || t.shape.join('x') !== shape.join('x')) {
    throw new Error(`expected float32 tensor ${name} [${shape}], found ${t ? `${t.name} [${t.shape}] type ${t.type}` : 'none'}`);
  }
}

/** The source model with metadata added; throws when the source is not the model this was written for. */
export function buildFaceDetectorTflite(source: Uint8Array): Uint8Array {
  if (sha256(source) !== SOURCE.sha256) throw new Error(`${SOURCE.path} has sha256 ${sha256(source)}, not the ${SOURCE.sha256} this script was written for`);
  const io = tfliteIo(source);
  expectTensor(io.inputs[0], 'input', [1, 128, 128, 3]);
  expectTensor(io.outputs[0], 'regressors', [1, 896, 16]);
  expectTensor(io.outputs[1], 'classificators', [1, 896, 1]);
  const metadata = buildImageModelMetadata({
    name: 'BlazeFace short-range face detector',
    description:
      'Detects faces within about 2 m of the camera: 896 SSD anchors, each with a box, six keypoints and a score logit. ' +
      'Metadata added by Affect Studio (scripts/models/write-face-detector-tflite.ts) to MediaPipe\'s face_detection_short_range.tflite.',
    version: `${SOURCE.package}@${SOURCE.version}`,
    author: 'MediaPipe (Google)',
    licence: 'Apache License, Version 2.0',
    input: {
      name: 'image',
      description: 'RGB image resized to 128x128 keeping its aspect ratio, black borders.',
      width: 128,
      height: 128,
      mean: [MEAN],
      std: [STD],
    },
    outputs: [
      { name: 'regressors', description: 'Per anchor: box centre offset, width, height, then six keypoints (x, y), in input pixels.' },
      { name: 'classificators', description: 'Per anchor: face score logit.' },
    ],
  });
  return addTfliteMetadata(source, [{ name: TFLITE_METADATA, data: metadata }]);
}

function manifestEntry(bytes: Uint8Array): { id: string } & Record<string, unknown> {
  return {
    id: MODEL_ID,
    task: 'face-detector-preview',
    file: MODEL_FILE,
    sha256: sha256(bytes),
    default: true,
    runtime: '@mediapipe/tasks-vision FaceDetector in the renderer (camera preview and framing guidance only; stored results come from face-detector)',
    inputs: [
      {
        name: 'input',
        shape: [1, 128, 128, 3],
        dtype: 'float32',
        layout: 'NHWC',
        normalisation: { text: 'RGB, resized to fit 128x128 keeping its aspect ratio (tasks-vision does this), x = (v - 127.5) / 127.5', mean: MEAN, std: STD, size: 128 },
      },
    ],
    outputs: [
      { name: 'regressors', shape: [1, 896, 16], dtype: 'float32' },
      { name: 'classificators', shape: [1, 896, 1], dtype: 'float32' },
    ],
    source: { ...SOURCE, url: 'https://github.com/google/mediapipe', packageLicence: 'Apache-2.0' },
    licence: 'Apache-2.0',
    converted: {
      by: SCRIPT,
      what: 'TFLite metadata added (input image properties and normalisation, tensor names, licence); graph and weights byte-identical to the source',
    },
  };
}

const CARD = `### face-detector-blazeface-short-tflite (camera preview)

MediaPipe's short-range BlazeFace (\`face_detection_short_range.tflite\` from \`@mediapipe/face_detection@${SOURCE.version}\`,
Apache-2.0), the same network as \`face-detector-blazeface-short\`, for \`@mediapipe/tasks-vision\`'s FaceDetector in the
renderer. The published file has no TFLite metadata, which tasks-vision requires for a float32 input;
\`${SCRIPT}\` adds it (RGB image input, normalisation (x − 127.5) / 127.5, tensor names, licence) without
touching the graph or the weights. It draws the live preview's boxes and drives the framing checks only:
stored results always come from the main process's ONNX detector. \`scripts/models/face-detector-tflite.test.ts\`
loads it in Chromium and compares its boxes with the ONNX detector's on the test clip.`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = buildFaceDetectorTflite(readFileSync(sourceModelPath()));
  const target = path.join(REPO_MODELS_DIR, MODEL_FILE);
  if (process.argv.includes('--check')) {
    const same = existsSync(target) && sha256(readFileSync(target)) === sha256(out);
    console.log(same ? `${MODEL_FILE} is up to date` : `${MODEL_FILE} differs from what ${SCRIPT} makes`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(target, out);
  applyManifestEdit({ entry: manifestEntry(out), cardSection: { id: MODEL_ID, markdown: CARD } });
  console.log(`wrote models/${MODEL_FILE} (${out.length} bytes, sha256 ${sha256(out)}) and its manifest entry`);
}
