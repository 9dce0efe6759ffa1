/**
 * Action-unit estimates checked against expression labels (there is no FACS-coded data here, so this checks what
 * can be checked: that the AU which should separate an expression from neutral does). Over a labelled folder
 * (DIR/<label>/*.jpg|png, the FER2013 layout) runs detection → face mesh → AU estimates, prints the mean of every
 * AU per class and the ROC AUC of each expected separation, and ends with exactly one line:
 *   au12_happy_auc=… au4_angry_auc=… au1_2_surprise_auc=… au26_surprise_auc=… n=N no_face=K
 * (AU6/12 intensity separating happy from neutral faces; AU4 angry vs neutral; AU1+2 and AU26 surprise vs
 * neutral). n counts every image; the AUCs are over the images with a face (no_face = K without).
 *
 *   npm run eval:au -- DIR [--limit N] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { AU_NAMES, type AuName } from '../src-main/core/analysis/geometry/action-units.js';
import { InferenceService } from '../src-main/core/inference/inference-service.js';
import { rocAuc } from './lib/roc-auc.js';
import { listFaceFolder } from './lib/face-folder.js';
import { geometryOfImages } from './lib/face-geometry-run.js';

const SEPARATIONS: Array<{ key: string; au: AuName; cls: string }> = [
  { key: 'au12_happy_auc', au: 'au06_12', cls: 'happy' },
  { key: 'au4_angry_auc', au: 'au04', cls: 'angry' },
  { key: 'au1_2_surprise_auc', au: 'au01_02', cls: 'surprise' },
  { key: 'au26_surprise_auc', au: 'au26', cls: 'surprise' },
];

function parseArgs(argv: string[]): { dir: string; limit: number; json?: string } {
  const a = { dir: '', limit: Infinity, json: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') a.limit = Number(argv[++i]);
    else if (argv[i] === '--json') a.json = argv[++i];
    else if (argv[i].startsWith('--')) throw new Error(`Unknown option ${argv[i]}`);
    else a.dir = argv[i];
  }
  if (!a.dir) throw new Error('usage: npm run eval:au -- DIR [--limit N] [--json FILE]');
  if (!(a.limit > 0)) throw new Error('--limit must be a positive number');
  if (argv.includes('--json') && !a.json) throw new Error('--json needs a file name');
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const items = listFaceFolder(args.dir, args.limit);
  const svc = await InferenceService.start();
  const t0 = performance.now();
  try {
    const run = await geometryOfImages(svc, items, (n) => process.stderr.write(`\r${n}/${items.length} images`));
    process.stderr.write('\n');
    const rows = run.rows;
    const noFace = rows.filter((r) => !r.geometry).length;
    const labels = [...new Set(rows.map((r) => r.label))];
    console.log(`detector ${run.detectorId}, landmarks ${run.landmarkId} (sha256 ${run.landmarkSha256.slice(0, 12)}); ${rows.length} images, ${noFace} without a face; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log('');
    console.log(`mean AU intensity per class (faces with a mesh)`);
    console.log(`${'class'.padEnd(10)}${'n'.padStart(6)}${AU_NAMES.map((a) => a.padStart(9)).join('')}`);
    for (const l of labels) {
      const g = rows.filter((r) => r.label === l && r.geometry).map((r) => r.geometry!);
      const means = AU_NAMES.map((a) => (g.length ? g.reduce((s, x) => s + x.au[a], 0) / g.length : NaN));
      console.log(`${l.padEnd(10)}${String(g.length).padStart(6)}${means.map((m) => m.toFixed(3).padStart(9)).join('')}`);
    }
    console.log('');
    const figures: Record<string, number | null> = {};
    for (const s of SEPARATIONS) {
      const pos = rows.filter((r) => r.label === s.cls && r.geometry).map((r) => r.geometry!.au[s.au]);
      const neg = rows.filter((r) => r.label === 'neutral' && r.geometry).map((r) => r.geometry!.au[s.au]);
      figures[s.key] = pos.length && neg.length ? rocAuc(pos, neg) : null;
      console.log(`${s.au} separating ${s.cls} (${pos.length}) from neutral (${neg.length}): ROC AUC ${figures[s.key]?.toFixed(4) ?? 'n/a (a class is missing)'}`);
    }
    if (args.json) writeFileSync(args.json, `${JSON.stringify({ dir: args.dir, n: rows.length, noFace, ...figures, landmarks: run.landmarkId, sha256: run.landmarkSha256 }, null, 1)}\n`);
    console.log('');
    console.log(`${SEPARATIONS.map((s) => `${s.key}=${figures[s.key] === null ? 'nan' : figures[s.key]!.toFixed(4)}`).join(' ')} n=${rows.length} no_face=${noFace}`);
  } finally {
    await svc.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
