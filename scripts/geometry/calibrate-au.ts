/**
 * Fits the action-unit scales (src-main/core/analysis/geometry/au-calibration.ts) on a labelled training folder.
 * First the two brow directions: an L2-regularised logistic regression on the brow points' coordinates in the head's
 * frame (browFeatures) separating surprise from neutral faces (brow raise) and angry from neutral faces (brow
 * lowerer), its penalty chosen by 5-fold cross-validated ROC AUC. Then, for each movement, its measure's median on
 * neutral faces, and how far the measure moves on the class that shows the movement most (its 90th percentile
 * there, or 10th for a measure that shrinks). Run it on FER2013 *train*; eval:au then measures on val, which the
 * calibration never saw.
 *
 *   npx tsx scripts/geometry/calibrate-au.ts DIR [--per N]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowDirection, browMeasures, type BrowShapeName, type FaceMeasures, type Movement, type MovementName } from '../../src-main/core/analysis/geometry/action-units.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { listFaceFolder } from '../lib/face-folder.js';
import { type GeometryRow, geometryOfImages } from '../lib/face-geometry-run.js';
import { fitLogistic } from '../lib/logistic.js';
import { rocAuc } from '../lib/roc-auc.js';
import { mulberry32, seededShuffle } from '../../src-shared/seeded-random.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src-main', 'core', 'analysis', 'geometry', 'au-calibration.ts');

/** Which class shows each movement most clearly in FER2013, and which way the measure goes. */
const PLAN: Record<MovementName, { measure: Movement['measure']; cls: string; dir: 1 | -1 }> = {
  browRaise: { measure: 'browRaiseShape', cls: 'surprise', dir: 1 },
  browLower: { measure: 'browLowerShape', cls: 'angry', dir: 1 },
  cornersUp: { measure: 'cornerElevation', cls: 'happy', dir: 1 },
  cornersDown: { measure: 'cornerElevation', cls: 'sad', dir: -1 },
  mouthWider: { measure: 'mouthWidth', cls: 'happy', dir: 1 },
  cheeksUp: { measure: 'cheekHeight', cls: 'happy', dir: 1 },
  lipsApart: { measure: 'lipGap', cls: 'surprise', dir: 1 },
  jawDown: { measure: 'jawDrop', cls: 'surprise', dir: 1 },
  eyesOpen: { measure: 'eyeAspect', cls: 'neutral', dir: -1 },
};

/** The class each brow direction separates from neutral faces. */
const BROW_PLAN: Record<BrowShapeName, string> = { browRaiseShape: 'surprise', browLowerShape: 'angry' };
const LAMBDAS = [0.01, 0.1, 1, 10];
const FOLDS = 5;


const dot = (w: readonly number[], x: ArrayLike<number>) => w.reduce((s, v, j) => s + v * x[j], 0);

/** The brow direction separating `cls` from neutral faces, and the cross-validated AUC of the chosen penalty. */
function fitBrowDirection(rows: GeometryRow[], cls: string): { direction: BrowDirection; lambda: number; cvAuc: number } {
  const data = rows.filter((r): r is GeometryRow & { brows: Float64Array } => !!r.brows && !!r.geometry && (r.label === cls || r.label === 'neutral'));
  const folds = Array.from({ length: FOLDS }, () => [] as typeof data);
  seededShuffle(data, mulberry32(1)).forEach((r, i) => folds[i % FOLDS].push(r));
  let best = { lambda: LAMBDAS[0], cvAuc: -1 };
  for (const lambda of LAMBDAS) {
    let sum = 0;
    for (let f = 0; f < FOLDS; f++) {
      const train = folds.flatMap((fold, g) => (g === f ? [] : fold));
      const fit = fitLogistic(train.map((r) => r.brows), train.map((r) => (r.label === cls ? 1 : 0)), lambda);
      const s = (lab: (l: string) => boolean) => folds[f].filter((r) => lab(r.label)).map((r) => dot(fit.weights, r.brows));
      sum += rocAuc(s((l) => l === cls), s((l) => l !== cls));
    }
    if (sum / FOLDS > best.cvAuc) best = { lambda, cvAuc: sum / FOLDS };
  }
  const fit = fitLogistic(data.map((r) => r.brows), data.map((r) => (r.label === cls ? 1 : 0)), best.lambda);
  // browFeatures lays out every x, then every y; a direction carries (x, y) per point.
  const n = fit.weights.length / 2;
  const right = Array.from({ length: 2 * n }, (_, j) => fit.weights[(j % 2) * n + (j >> 1)]);
  return { direction: { right }, ...best };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(s.length - 1, lo + 1)] - s[lo]) * (pos - lo);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dir = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--per');
  const per = argv.includes('--per') ? Number(argv[argv.indexOf('--per') + 1]) : 1000;
  if (!dir || !(per > 0)) throw new Error('usage: calibrate-au.ts DIR [--per N]');
  const items = listFaceFolder(dir, per);
  const svc = await InferenceService.start({ provider: 'cpu' });
  try {
    const { rows, landmarkId, landmarkSha256 } = await geometryOfImages(svc, items, (n) => process.stderr.write(`\r${n}/${items.length}`));
    process.stderr.write('\n');
    const brows = {} as Record<BrowShapeName, BrowDirection>;
    const browNotes: string[] = [];
    for (const [name, cls] of Object.entries(BROW_PLAN) as Array<[BrowShapeName, string]>) {
      const d = fitBrowDirection(rows, cls);
      brows[name] = d.direction;
      browNotes.push(`${name} (${cls} vs neutral): penalty ${d.lambda}, 5-fold cross-validated AUC ${d.cvAuc.toFixed(3)}`);
    }
    // The rows' measures were made with the shipped directions: remeasure the brows along the new ones.
    for (const r of rows) if (r.geometry && r.brows) r.geometry.measures = { ...r.geometry.measures, ...browMeasures(r.brows, brows) };
    const value = (m: FaceMeasures, k: Movement['measure']) => (k === 'eyeAspect' ? (m.eyeAspectLeft + m.eyeAspectRight) / 2 : m[k]);
    const of = (cls: string, k: Movement['measure']) => rows.filter((r) => r.label === cls && r.geometry).map((r) => value(r.geometry!.measures, k));
    const lines: string[] = [];
    const counts = Object.fromEntries([...new Set(rows.map((r) => r.label))].map((l) => [l, rows.filter((r) => r.label === l && r.geometry).length]));
    for (const [name, p] of Object.entries(PLAN) as Array<[MovementName, (typeof PLAN)[MovementName]]>) {
      const neutral = quantile(of('neutral', p.measure), 0.5);
      // Eye closure runs from the neutral opening to fully shut; the others to the class's far tail.
      const range = name === 'eyesOpen' ? -neutral : quantile(of(p.cls, p.measure), p.dir > 0 ? 0.9 : 0.1) - neutral;
      if (!(range * p.dir > 0)) throw new Error(`${name}: ${p.measure} does not move ${p.dir > 0 ? 'up' : 'down'} on ${p.cls} faces (range ${range})`);
      lines.push(`  ${name}: { measure: '${p.measure}', neutral: ${neutral.toFixed(4)}, range: ${range.toFixed(4)} },`);
    }
    const text = `/**
 * Action-unit scales: for each movement, its measure on neutral faces and how far it moves (signed) on the class
 * that shows it most (see action-units.ts). GENERATED by scripts/geometry/calibrate-au.ts on ${path.basename(path.dirname(path.resolve(dir)))}/${path.basename(path.resolve(dir))}
 * (up to ${per} images per class; faces with a mesh: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}),
 * landmark model ${landmarkId} (sha256 ${landmarkSha256.slice(0, 12)}…). Regenerate when the mesh model or a measure changes.
 * Brow directions: ${browNotes.join('; ')}.
 */
import type { AuCalibration, BrowDirection, BrowShapeName } from './action-units.js';

/** (x, y) weight per point of MESH.browRight; see browFeatures. */
export const BROW_DIRECTIONS: Record<BrowShapeName, BrowDirection> = {
${(Object.keys(BROW_PLAN) as BrowShapeName[]).map((k) => `  ${k}: { right: [${brows[k].right.map((v) => Number(v.toPrecision(6))).join(', ')}] },`).join('\n')}
};

export const AU_CALIBRATION: AuCalibration = {
${lines.join('\n')}
};
`;
    writeFileSync(OUT, text);
    console.log(text);
  } finally {
    await svc.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
