/**
 * Chooses the classifier crop (margin around the detector box, vertical shift) for a FER2013-trained model.
 * FER2013 training images (research data, read at run time from ../shared/data, never stored) are placed in
 * a larger canvas so the detector sees a whole face with surroundings, then go through the app's detection →
 * aligned crop → classifier path for each candidate crop. Reports, per candidate, accuracy on those images
 * and agreement with the model's prediction on the original crop (what the model was trained on).
 *
 *   npx tsx scripts/models/calibrate-face-crop.ts [--per-class N] [--data DIR]
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMOTIONS, topIndex } from '../../src-shared/emotions.js';
import type { CropParams } from '../../src-main/core/analysis/face/align-crop.js';
import { FaceAnalyzer } from '../../src-main/core/analysis/face/face-analyzer.js';
import { FaceTracker } from '../../src-main/core/analysis/face/face-tracker.js';
import { resizeBilinear, toGray } from '../../src-main/core/analysis/face/gray-resize.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { decodeImageFile } from '../lib/decode-image.js';
import { embedFaceCrop as embed } from '../lib/embed-face-crop.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const perClass = Number(opt('--per-class', '150'));
const dataDir = opt('--data', path.resolve(here, '..', '..', '..', 'shared', 'data', 'fer2013', 'train'));

async function main(): Promise<void> {
  if (!existsSync(dataDir)) throw new Error(`FER2013 training images not found at ${dataDir} (research data, see ../shared/data/README.md)`);
  const items: Array<{ file: string; label: string }> = [];
  for (const label of readdirSync(dataDir).sort()) {
    // Every k-th file, so the subset spreads over the whole class folder.
    const files = readdirSync(path.join(dataDir, label)).sort();
    const step = Math.max(1, Math.floor(files.length / perClass));
    for (let i = 0; i < files.length && items.filter((x) => x.label === label).length < perClass; i += step) items.push({ file: path.join(dataDir, label, files[i]), label });
  }
  const svc = await InferenceService.start();
  const analyzer = await FaceAnalyzer.create(svc);
  const S = analyzer.classifier.size;
  const w3 = analyzer.classifier.norm.grayWeights;
  const grays = items.map((it) => {
    const img = decodeImageFile(it.file);
    return { g: toGray(img.rgba, img.width, img.height, 4, w3), w: img.width, h: img.height };
  });
  // The model on the original crops: the reference the aligned crops should agree with.
  const direct = new Float32Array(items.length * S * S);
  grays.forEach((x, k) => resizeBilinear(x.g, x.w, x.h, S, 'tf-legacy', direct, k * S * S));
  const directProbs = await analyzer.classifier.classify(direct, items.length);
  const argmax = topIndex;
  const directPred = directProbs.map(argmax);
  const directAcc = items.filter((it, i) => EMOTIONS[directPred[i]] === it.label).length / items.length;

  const frames = grays.map((x) => embed(x.g, x.w, x.h));
  const dets = (await analyzer.detector.detect(frames)).map((d) => (d.length ? [d.reduce((a, b) => (a.score >= b.score ? a : b))] : []));
  const found = dets.filter((d) => d.length).length;
  console.log(`${items.length} FER2013 training images (${perClass} per class); direct-crop accuracy ${directAcc.toFixed(4)}; face found in ${found}`);

  const candidates: CropParams[] = [];
  for (const margin of [0, 0.1, 0.2, 0.3, 0.4]) for (const shiftY of [-0.1, -0.05, 0, 0.05, 0.1]) candidates.push({ margin, shiftY });
  const rows: Array<{ c: CropParams; acc: number; agree: number }> = [];
  for (const c of candidates) {
    Object.assign(analyzer.crop, c);
    const res = await analyzer.finish(frames, dets, new FaceTracker());
    let correct = 0;
    let agree = 0;
    res.forEach((r, i) => {
      const f = r.faces[0];
      if (!f) return;
      if (f.dominant === items[i].label) correct++;
      if (f.dominant === EMOTIONS[directPred[i]]) agree++;
    });
    rows.push({ c, acc: correct / items.length, agree: agree / items.length });
  }
  rows.sort((a, b) => b.acc - a.acc);
  console.log('margin shiftY  accuracy  agreement-with-direct');
  for (const r of rows) console.log(`${r.c.margin.toFixed(2).padStart(6)} ${r.c.shiftY.toFixed(2).padStart(6)}  ${r.acc.toFixed(4)}    ${r.agree.toFixed(4)}`);
  await svc.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
