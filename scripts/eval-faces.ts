/**
 * Face-emotion evaluation on a labelled image folder: DIR/<label>/*.{jpg,jpeg,png}, labels among angry,
 * disgust, fear, happy, neutral, sad, surprise, contempt.
 *
 *   npm run eval:faces -- DIR [--model ID] [--limit N] [--resize tf-legacy|half-pixel] [--through-detector] [--align detector|mesh] [--json FILE]
 *   npm run eval:faces -- DIR --labels ferplus [--truth ferplus|fer2013] [--usage NAME] [--no-duplicates] [...]
 *
 * --labels ferplus reads DIR/labels.csv instead of label folders (../shared/data/ferplus): its `file` column (images
 * relative to DIR) and the FER+ majority label `ferplus_majority` (rows without one are skipped), or with
 * --truth fer2013 the original FER2013 label `fer2013_label`. A file with a `usage` column is scored on one usage:
 * --usage NAME, by default PublicTest. --no-duplicates skips images pixel-identical to an image of another usage
 * (FER2013's 279 PublicTest copies of Training images).
 * The model is the manifest's default face-emotion model unless --model names another. Images up to 96 px on
 * their longer side are taken as face crops: gray (the model's weights), bilinear resize to the model input
 * ("whole-image" accuracy). Larger images go through the app's own pipeline: detection, the largest face,
 * eye-aligned crop; an image without a detected face counts as wrong (column no_face). --through-detector sends
 * the small crops through that pipeline too, each placed in a canvas twice its size so the detector sees a
 * whole face ("face-crop" accuracy: the framing the app gives the model). --align picks where the crop's eye line
 * comes from in that pipeline: the detector's eye keypoints or the face mesh's eye centres (default: the app's
 * choice). --json writes the figures to FILE.
 * Prints the confusion matrix and per-class figures; the last line is exactly
 *   accuracy=0.xxxx macro_f1=0.xxxx n=N no_face=K
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS, topIndex } from '../src-shared/emotions.js';
import { DEFAULT_ALIGN, FaceAnalyzer } from '../src-main/core/analysis/face/face-analyzer.js';
import { FaceTracker } from '../src-main/core/analysis/face/face-tracker.js';
import type { PixelFrame } from '../src-main/core/inference/face/frame.js';
import { type BilinearMode, resizeBilinear, toGray } from '../src-main/core/analysis/face/gray-resize.js';
import { InferenceService } from '../src-main/core/inference/inference-service.js';
import { evaluate, expectedCalibrationError, formatConfusion, summaryLine } from './lib/classification-metrics.js';
import { decodeImageFile } from './lib/decode-image.js';
import { embedFaceCrop } from './lib/embed-face-crop.js';
import { type FerplusTruth, readFerplusLabels } from './lib/ferplus-labels.js';

const LABELS = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise', 'contempt'];
const CROP_MAX_SIDE = 96;
const BATCH = 256;

interface Args {
  dir: string;
  limit: number;
  resize: BilinearMode;
  detectAll: boolean;
  throughDetector: boolean;
  json?: string;
  emotionId?: string;
  align?: 'detector' | 'mesh';
  labels: 'folders' | 'ferplus';
  truth: FerplusTruth;
  usage?: string;
  noDuplicates: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dir: '', limit: Infinity, resize: 'tf-legacy', detectAll: false, throughDetector: false, labels: 'folders', truth: 'ferplus', noDuplicates: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--limit') args.limit = Number(argv[++i]);
    else if (a === '--resize') args.resize = argv[++i] as BilinearMode;
    else if (a === '--detect-all') args.detectAll = true;
    else if (a === '--model') args.emotionId = argv[++i];
    else if (a === '--through-detector') args.throughDetector = true;
    else if (a === '--json') args.json = argv[++i];
    else if (a === '--align') {
      const v = argv[++i];
      if (v !== 'detector' && v !== 'mesh') throw new Error('--align must be detector or mesh');
      args.align = v;
    }
    else if (a === '--labels') args.labels = argv[++i] as Args['labels'];
    else if (a === '--truth') args.truth = argv[++i] as FerplusTruth;
    else if (a === '--usage') args.usage = argv[++i];
    else if (a === '--no-duplicates') args.noDuplicates = true;
    else if (a.startsWith('--')) throw new Error(`Unknown option ${a}`);
    else args.dir = a;
  }
  if (!args.dir) throw new Error('usage: npm run eval:faces -- DIR [--model ID] [--limit N] [--resize tf-legacy|half-pixel] [--detect-all] [--through-detector] [--json FILE]');
  if (args.json === undefined && argv.includes('--json')) throw new Error('--json needs a file name');
  if (!['tf-legacy', 'half-pixel'].includes(args.resize)) throw new Error(`--resize must be tf-legacy or half-pixel`);
  if (!(args.limit > 0)) throw new Error('--limit must be a positive number');
  if (!['folders', 'ferplus'].includes(args.labels)) throw new Error('--labels must be folders or ferplus');
  if (!['ferplus', 'fer2013'].includes(args.truth)) throw new Error('--truth must be ferplus or fer2013');
  if (args.labels !== 'ferplus' && (argv.includes('--truth') || args.usage !== undefined || args.noDuplicates)) {
    throw new Error('--truth, --usage and --no-duplicates apply to --labels ferplus');
  }
  return args;
}

function listItems(dir: string, limit: number): Array<{ file: string; label: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const items: Array<{ file: string; label: string }> = [];
  const labelDirs = readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory());
  const unknown = labelDirs.filter((d) => !LABELS.includes(d));
  if (unknown.length) console.error(`ignoring folders that are not labels: ${unknown.join(', ')}`);
  for (const label of LABELS) {
    const d = path.join(dir, label);
    if (!labelDirs.includes(label)) continue;
    const files = readdirSync(d)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .slice(0, limit);
    for (const f of files) items.push({ file: path.join(d, f), label });
  }
  if (!items.length) throw new Error(`No jpg/png images under ${dir}/<label>/ (labels: ${LABELS.join(', ')})`);
  return items;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let items: Array<{ file: string; label: string }>;
  if (args.labels === 'ferplus') {
    const fp = readFerplusLabels(args.dir, { truth: args.truth, usage: args.usage, dropCrossUsageDuplicates: args.noDuplicates, limitPerLabel: args.limit });
    items = fp.items;
    const { noImage, noLabel, duplicate } = fp.skipped;
    console.log(
      `labels.csv: usage ${fp.usage || '(all)'}, truth ${args.truth === 'ferplus' ? 'ferplus_majority' : 'fer2013_label'}; ${items.length} images scored, ` +
        `skipped ${noLabel} without that label, ${noImage} without an image${args.noDuplicates ? `, ${duplicate} identical to an image of another usage` : ''}`,
    );
  } else items = listItems(args.dir, args.limit);
  const svc = await InferenceService.start();
  const t0 = performance.now();
  try {
    const align = args.align ?? DEFAULT_ALIGN;
    // The mesh only matters here for the crop's eye line; without it the evaluation runs as fast as before.
    const analyzer = await FaceAnalyzer.create(svc, { emotionId: args.emotionId, mesh: align === 'mesh', alignFrom: align });
    const clf = analyzer.classifier;
    const S = clf.size;
    const preds: Array<string | null> = new Array(items.length).fill(null);
    const confidence: Array<number | null> = new Array(items.length).fill(null);
    const crops: number[] = [];
    const stills: number[] = [];
    // Small images (face crops) are kept as gray from this first pass; larger ones are decoded again when their
    // turn comes, so a folder of photos never sits in memory at once.
    const small = new Map<number, { gray: Float32Array; width: number; height: number }>();
    for (let i = 0; i < items.length; i++) {
      const img = decodeImageFile(items[i].file);
      if (Math.max(img.width, img.height) <= CROP_MAX_SIDE) small.set(i, { gray: toGray(img.rgba, img.width, img.height, 4, clf.norm.grayWeights), width: img.width, height: img.height });
      (small.has(i) && !args.detectAll && !args.throughDetector ? crops : stills).push(i);
    }

    // Face crops: gray + bilinear resize, straight into the classifier.
    for (let s = 0; s < crops.length; s += BATCH) {
      const idx = crops.slice(s, s + BATCH);
      const buf = new Float32Array(idx.length * S * S);
      idx.forEach((i, k) => {
        const { gray, width, height } = small.get(i)!;
        resizeBilinear(gray, width, height, S, args.resize, buf, k * S * S);
      });
      const probs = await clf.classify(buf, idx.length);
      idx.forEach((i, k) => {
        const top = topIndex(probs[k]);
        preds[i] = EMOTIONS[top];
        confidence[i] = probs[k][top];
      });
    }

    // Larger images: the app's pipeline, largest face.
    for (let s = 0; s < stills.length; s += 16) {
      const idx = stills.slice(s, s + 16);
      const frames: PixelFrame[] = idx.map((i, k) => {
        const crop = args.throughDetector ? small.get(i) : undefined;
        if (crop) return { ...embedFaceCrop(crop.gray, crop.width, crop.height), tMs: k * 1e6 };
        const img = decodeImageFile(items[i].file);
        return { tMs: k * 1e6, width: img.width, height: img.height, data: img.rgba, channels: 4 };
      });
      const dets = (await analyzer.detector.detect(frames)).map((d) => (d.length ? [d.reduce((a, b) => (a.box.w * a.box.h >= b.box.w * b.box.h ? a : b))] : []));
      const results = await analyzer.finish(frames, dets, new FaceTracker());
      idx.forEach((i, k) => {
        const face = results[k].faces[0];
        preds[i] = face?.dominant ?? null;
        if (face) confidence[i] = face.probs[topIndex(face.probs)];
      });
    }

    const present = LABELS.filter((l) => items.some((it) => it.label === l));
    const ev = evaluate(
      items.map((it, i) => ({ truth: it.label, pred: preds[i] })),
      present,
      [...EMOTIONS],
    );
    const secs = (performance.now() - t0) / 1000;
    console.log(`model ${analyzer.modelRefs.emotion.id} (sha256 ${analyzer.modelRefs.emotion.sha256.slice(0, 12)}), detector ${analyzer.modelRefs.detector.id}, provider ${analyzer.modelRefs.emotion.provider}`);
    console.log(`${crops.length} face crops (resize ${args.resize}), ${stills.length} images through detection (eye line from the ${analyzer.alignFrom}); ${secs.toFixed(1)} s`);
    console.log('');
    console.log(formatConfusion(ev));
    // Calibration of the top-1 probability over the images with a prediction (fusion weighs these probabilities).
    const scored = items.flatMap((it, i) => (confidence[i] === null ? [] : [{ confidence: confidence[i]!, correct: preds[i] === it.label }]));
    const ece = expectedCalibrationError(scored);
    console.log(`expected calibration error (15 bins, ${scored.length} predictions): ${ece.toFixed(4)}`);
    console.log('');
    if (args.json) {
      const mode = args.throughDetector ? 'face-crop (through the detector)' : crops.length ? 'whole-image' : 'detector';
      const refs = analyzer.modelRefs.emotion;
      writeFileSync(args.json, `${JSON.stringify({ model: refs.id, sha256: refs.sha256, mode, dir: args.dir, ...(args.labels === 'ferplus' ? { labels: 'ferplus', truth: args.truth, noDuplicates: args.noDuplicates } : {}), n: ev.n, noFace: ev.noPrediction, accuracy: ev.accuracy, macroF1: ev.macroF1, ece, perClass: ev.perClass }, null, 1)}\n`);
    }
    console.log(summaryLine(ev));
  } finally {
    await svc.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
