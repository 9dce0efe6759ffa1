/**
 * Registers the face-emotion model trained by training/face (steps 1–3 of its README) as the default face model:
 * checks that onnxruntime gives PyTorch's probabilities on the export's probe input, measures it through the
 * app's own pipeline with eval:faces on FER2013 val (the 48×48 images straight into the classifier, and the same
 * images through detection → aligned crop), then writes its models/manifest.json entry and MODEL_CARD.md section
 * and makes the converted mini-Xception a selectable, non-default model (under the shared manifest lock).
 *
 *   npx tsx scripts/models/register-face-model.ts [--val DIR] [--skip-eval]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyManifestEdit, REPO_MODELS_DIR, repoManifestEntry } from './manifest-edit.js';
import { checkExportedGraphs, type Exported, faceGraphIdentity, grayCropInput, type Quantization, readTrainingJson } from './face-export-files.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(repo, 'training/face/out');
const argv = process.argv.slice(2);
const valDir = argv.includes('--val') ? argv[argv.indexOf('--val') + 1] : path.resolve(repo, '..', 'shared', 'data', 'fer2013', 'val');
const ID = 'face-emotion-fer-cnn';
const OLD_DEFAULT = 'face-emotion-minixception';

interface Calibration {
  temperature: number;
  ece_before: number;
  ece_after: number;
  nll_before: number;
  nll_after: number;
  bins: number;
  n: number;
  accuracy: number;
  macro_f1: number;
  confusion: number[][];
  labels: string[];
}
interface TrainMetrics {
  history: Array<{ epoch: number; seconds: number; val_acc: number; val_acc_flip: number; val_macro_f1: number; val_macro_f1_flip: number }>;
  selected: { epoch: number; accuracy: number };
  config: {
    seed: number;
    train: { epochs: number; batch_size: number; lr: number; weight_decay: number; label_smoothing: number };
    snapshot: { epochs: number; lr: number; warmup_epochs: number };
    peer: { epochs: number; seed_offset: number };
    peer_snapshot: { epochs: number; lr: number; seed_offset: number };
    peer_cycle3?: { from: string; epochs: number; lr: number; seed_offset: number; combine?: 'logits' | 'probabilities' };
    model: { channels: number[]; dropout: number };
    aug: Record<string, unknown>;
  };
}
/** out/NAME-swa-metrics.json, written by swa.py. */
interface SwaMetrics {
  member: string;
  seed_offset: number;
  history: Array<{ epoch: number; seconds: number; val_acc_flip: number; val_acc_ensemble_flip?: number }>;
  selected: { epoch: number; accuracy: number };
  config: { swa: { epochs: number; lr: number; members: Record<string, { combine?: 'logits' | 'probabilities' }> } };
}
interface EvalJson {
  mode: string;
  n: number;
  noFace: number;
  accuracy: number;
  macroF1: number;
  ece: number;
  perClass: Array<{ label: string; recall: number; f1: number; n: number }>;
}

const readJson = <T>(f: string): T => readTrainingJson<T>(f);
const exp = readJson<Exported>(path.join(out, 'face-cnn-export.json'));
const cal = readJson<Calibration>(path.join(out, 'face-cnn-calibration.json'));
const train = readJson<TrainMetrics>(path.join(out, 'face-cnn-metrics.json'));
const ensemble = exp.members.length > 1;
// Members averaged by swa.py stand for the net they continued from (NAME-swa.pt comes from NAME.pt).
const swa = exp.members.filter((m) => m.endsWith('-swa.pt')).map((m) => readJson<SwaMetrics>(path.join(out, m.replace(/\.pt$/, '-metrics.json'))));
const trained = exp.members.map((m) => m.replace(/-swa\.pt$/, '.pt'));
// The second cycle of training (train.py --stage snapshot), when its snapshot is a member of the export.
const snap = trained.includes('face-cnn-snapshot.pt') ? readJson<TrainMetrics>(path.join(out, 'face-cnn-snapshot-metrics.json')) : null;
// A net trained from scratch with another seed (train.py --stage peer), when it or its own second cycle
// (--stage peer_snapshot) is a member.
// The peer's third cycle (--stage peer_cycle3) starts from the weight average of its second (swa.py), so a member
// from it brings both earlier cycles and that average along.
const cycle3 = trained.includes('face-cnn-peer-cycle3.pt') ? readJson<TrainMetrics>(path.join(out, 'face-cnn-peer-cycle3-metrics.json')) : null;
const cycle3From = cycle3?.config.peer_cycle3 ? readJson<SwaMetrics>(path.join(out, cycle3.config.peer_cycle3.from.replace(/\.pt$/, '-metrics.json'))) : null;
const peerSnap = (cycle3 || trained.includes('face-cnn-peer-snapshot.pt')) ? readJson<TrainMetrics>(path.join(out, 'face-cnn-peer-snapshot-metrics.json')) : null;
const peer = (peerSnap || trained.includes('face-cnn-peer.pt')) ? readJson<TrainMetrics>(path.join(out, 'face-cnn-peer-metrics.json')) : null;
const quant = exp.quantized ? readJson<Quantization>(path.join(out, 'face-cnn-quant.json')) : null;
const file = path.join(REPO_MODELS_DIR, exp.file);

const { maxDiff, int8Diff } = await checkExportedGraphs(repo, exp, file, quant !== null);

const labels = exp.labels;
const { sha256, canonicalMap } = faceGraphIdentity(file, labels);
const old = repoManifestEntry(OLD_DEFAULT);

const entry = {
  id: ID,
  file: exp.file,
  sha256,
  task: 'face-emotion',
  default: true,
  inputs: [grayCropInput(exp.size)],
  outputs: [{ name: 'probs', shape: [-1, labels.length], dtype: 'float32' }],
  labels,
  canonicalMap,
  // The same framing as FER2013's crops, which the mini-Xception calibration found (scripts/models/calibrate-face-crop.ts).
  crop: old.crop,
  source: { package: 'affect-studio', version: 'training/face', path: 'training/face (config.json)' },
  licence: 'Trained here on FER2013 (research use only; see ../shared/data/README.md): research and non-commercial use',
  converted: { by: `training/face/export_onnx.py (torch.onnx, opset ${exp.opset})${quant ? ', quantize_onnx.py (int8)' : ''}`, at: new Date().toISOString().slice(0, 10) },
  calibration: { method: 'temperature scaling on FER2013 val (NLL)', temperature: Number(cal.temperature.toFixed(4)), eceBefore: Number(cal.ece_before.toFixed(4)), eceAfter: Number(cal.ece_after.toFixed(4)), bins: cal.bins },
  training: {
    data: 'FER2013 train (28,709 48×48 images), ../shared/data/fer2013/train',
    selectedOn: `FER2013 val = PublicTest (3,589), ../shared/data/fer2013/val: ${[
      snap ? 'first cycle by flip-averaged accuracy, second cycle by the accuracy of both snapshots averaged' : 'epoch with the best flip-averaged accuracy',
      ...(peer ? [`the peer${peerSnap ? ' and its second cycle' : ''} by the accuracy of the average with the second snapshot (face and mirror)`] : []),
      ...(cycle3 ? ["the weight average of the peer's second cycle and its third cycle by the accuracy of the combination with the second snapshot (face and mirror)"] : []),
      ...(swa.length ? ['each weight average by the accuracy of its combination with the other member (face and mirror)'] : []),
      ...(exp.combine === 'probabilities'
        ? [cycle3?.config.peer_cycle3?.combine === 'probabilities'
            ? 'the stages before the third cycle scored with logits averaged, the third cycle with softmax outputs averaged, as the graph combines them; that rule chosen over logits by the accuracy of the members shipped before the third cycle'
            : 'members scored with their logits averaged; then averaging their softmax outputs instead, by the accuracy of the shipped members']
        : []),
    ].join('; ')}; temperature fitted there too`,
    epochs: train.config.train.epochs + (snap ? snap.config.snapshot.epochs : 0) + (peer ? peer.config.peer.epochs : 0) + (peerSnap ? peerSnap.config.peer_snapshot.epochs : 0) + [cycle3, cycle3From, ...swa].reduce((t, m) => t + (m ? m.history.length : 0), 0),
    selectedEpoch: train.selected.epoch,
    ...(snap ? { snapshotCycle: { epochs: snap.config.snapshot.epochs, selectedEpoch: snap.selected.epoch } } : {}),
    ...(peer ? { peer: { epochs: peer.config.peer.epochs, seedOffset: peer.config.peer.seed_offset, selectedEpoch: peer.selected.epoch } } : {}),
    ...(peerSnap ? { peerSnapshotCycle: { epochs: peerSnap.config.peer_snapshot.epochs, selectedEpoch: peerSnap.selected.epoch } } : {}),
    ...(cycle3 && cycle3.config.peer_cycle3 ? { peerCycle3: { from: cycle3.config.peer_cycle3.from, epochs: cycle3.config.peer_cycle3.epochs, seedOffset: cycle3.config.peer_cycle3.seed_offset, selectedEpoch: cycle3.selected.epoch } } : {}),
    ...(swa.length || cycle3From ? { weightAveraging: [...(cycle3From ? [cycle3From] : []), ...swa].map((m) => ({ from: m.member, lr: m.config.swa.lr, epochs: m.history.length, selectedEpoch: m.selected.epoch })) } : {}),
    members: exp.members,
    seed: train.config.seed,
    parameters: exp.parameters,
    flipAveragingInGraph: exp.flip_tta,
    combine: exp.combine,
  },
  ...(quant ? { quantization: { by: 'training/face/quantize_onnx.py', scheme: quant.scheme, calibration: quant.calibration } } : {}),
  metrics: {
    fer2013_publictest_n: cal.n,
    fer2013_publictest_accuracy_pytorch: Number(cal.accuracy.toFixed(4)),
    fer2013_publictest_macro_f1_pytorch: Number(cal.macro_f1.toFixed(4)),
  } as Record<string, number | string>,
  confusion: { labels, rows: cal.confusion },
};

// The app's own path: eval:faces on the val images, straight and through the detector.
const evals: Record<string, EvalJson> = {};
if (!argv.includes('--skip-eval') && existsSync(valDir)) {
  // The entry must be in the manifest for eval:faces to load it (--model).
  applyManifestEdit({ entry: { ...entry, default: false } });
  for (const [key, extra] of [
    ['whole', []],
    ['crop', ['--through-detector']],
  ] as const) {
    const json = path.join(out, `eval-${key}.json`);
    console.log(`eval:faces ${key === 'whole' ? 'on the 48×48 images' : 'through detection → aligned crop'} …`);
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-faces.ts', valDir, '--model', ID, '--json', json, ...extra], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    evals[key] = readJson<EvalJson>(json);
  }
  entry.metrics.fer2013_publictest_accuracy = Number(evals.whole.accuracy.toFixed(4));
  entry.metrics.fer2013_publictest_macro_f1 = Number(evals.whole.macroF1.toFixed(4));
  entry.metrics.fer2013_publictest_ece = Number(evals.whole.ece.toFixed(4));
  entry.metrics.fer2013_publictest_face_crop_accuracy = Number(evals.crop.accuracy.toFixed(4));
  entry.metrics.fer2013_publictest_face_crop_macro_f1 = Number(evals.crop.macroF1.toFixed(4));
  entry.metrics.fer2013_publictest_face_crop_no_face = evals.crop.noFace;
} else console.log(`(eval skipped${existsSync(valDir) ? '' : `: ${valDir} not found`})`);

const confusionTable = [
  `| true \\ predicted | ${labels.join(' | ')} |`,
  `|---|${labels.map(() => '---:').join('|')}|`,
  ...cal.confusion.map((row, i) => `| ${labels[i]} | ${row.join(' | ')} |`),
].join('\n');
const recall = (e: EvalJson) => e.perClass.filter((c) => c.n).map((c) => `${c.label} ${c.recall.toFixed(2)}`).join(', ');
const best = train.history.reduce((a, b) => (b.val_acc_flip > a.val_acc_flip ? b : a));
const trainMinutes = [train, snap, peer, peerSnap, cycle3From, cycle3, ...swa].reduce((t, m) => t + (m ? m.history.reduce((a, h) => a + h.seconds, 0) : 0), 0) / 60;
const perNet = exp.parameters / exp.members.length;
const passes = ensemble ? `the ${exp.members.length} nets${exp.flip_tta ? ' over each face and its mirror image' : ''}` : exp.flip_tta ? 'the face and its mirror image' : '';
const graphText = !passes
  ? 'takes the logits, divides them'
  : exp.combine === 'probabilities'
    ? `averages the softmax outputs of ${passes} (the deep-ensemble rule, Lakshminarayanan et al. 2017), takes their log, divides it`
    : `averages the logits of ${passes}, divides them`;
const snapText = snap ? secondCycleText(snap) : '';
const peerText = peer ? peerCycleText(peer, peerSnap) + (cycle3 && cycle3From ? thirdCycleText(cycle3, cycle3From) : '') : '';
const swaText = swa.length ? weightAveragingText(swa) : '';
const quantText = quant
  ? ` **Int8** (\`quantize_onnx.py\`): ${quant.scheme}; ${quant.calibration}. onnxruntime runs the ${quant.convolutions} convolutions as integer
  convolutions (${(quant.bytes_fp32 / 1e6).toFixed(1)} MB float graph → ${(quant.bytes_int8 / 1e6).toFixed(1)} MB), which is what lets the graph run ${exp.members.length * (exp.flip_tta ? 2 : 1)} passes of the network per face
  within the CPU budget.`
  : '';

function secondCycleText(snap: TrainMetrics): string {
  const row = snap.history[snap.selected.epoch - 1];
  return ` **Second cycle** (\`train.py --stage snapshot\`, Huang et al. 2017, "Snapshot ensembles"): from the selected weights, the same recipe
  again with peak learning rate ${snap.config.snapshot.lr}, ${snap.config.snapshot.warmup_epochs} epoch of warm-up and cosine decay over ${snap.config.snapshot.epochs} epochs; selected epoch ${snap.selected.epoch}, chosen by
  the val accuracy of both snapshots averaged (${snap.selected.accuracy.toFixed(4)}; the second snapshot alone ${row.val_acc.toFixed(4)}, averaged with its mirror image ${row.val_acc_flip.toFixed(4)}).${
    trained.includes('face-cnn.pt') ? '' : ' The first snapshot is not shipped: with mirror averaging the second alone scored higher on val than the two snapshots averaged, at the same cost.'
  }`;
}

function peerCycleText(peer: TrainMetrics, peerSnap: TrainMetrics | null): string {
  const scored = (m: TrainMetrics, what: string) => {
    const row = m.history[m.selected.epoch - 1];
    return `selected epoch ${m.selected.epoch}, chosen by the val accuracy of its average with the second snapshot, face and mirror (${m.selected.accuracy.toFixed(4)}; ${what} alone ${row.val_acc.toFixed(4)}, with its mirror image ${row.val_acc_flip.toFixed(4)})`;
  };
  const first = ` **Peer** (\`train.py --stage peer\`): the same network and recipe trained from scratch with another seed (offset ${peer.config.peer.seed_offset}: other
  initial weights and shuffle) for ${peer.config.peer.epochs} epochs, so that its errors differ from the snapshot's; ${scored(peer, 'the peer')}.`;
  if (!peerSnap) return first;
  const c = peerSnap.config.peer_snapshot;
  return `${first} Then its own second cycle (\`--stage peer_snapshot\`, peak learning rate ${c.lr}, ${c.epochs} epochs, shuffle seed offset ${c.seed_offset}); ${scored(peerSnap, 'this snapshot')}.`;
}

/** How a training stage scored a net with its partners (its `combine`; logits when it has none). */
function combineText(combine: 'logits' | 'probabilities' | undefined): string {
  return combine === 'probabilities' ? 'softmax outputs averaged' : 'logits averaged';
}

function thirdCycleText(c3: TrainMetrics, from: SwaMetrics): string {
  const c = c3.config.peer_cycle3!;
  const row = c3.history[c3.selected.epoch - 1];
  return ` Then the weight average of that cycle (\`swa.py\`, Izmailov et al. 2018: the peer's second cycle trained on at a constant learning rate ${from.config.swa.lr}, the
  average of its first ${from.selected.epoch} epochs with the batch-norm statistics recomputed on the train images; with its mirror image ${from.history[from.selected.epoch - 1].val_acc_flip.toFixed(4)}, with the second snapshot
  ${from.selected.accuracy.toFixed(4)}), and from it a third warm-up + cosine cycle (\`--stage peer_cycle3\`, peak learning rate ${c.lr}, ${c.epochs} epochs, shuffle seed offset ${c.seed_offset});
  selected epoch ${c3.selected.epoch}, chosen by the val accuracy of its combination with the second snapshot, face and mirror, ${combineText(c.combine)} (${c3.selected.accuracy.toFixed(4)}; this cycle alone
  ${row.val_acc.toFixed(4)}, with its mirror image ${row.val_acc_flip.toFixed(4)}).`;
}

function weightAveragingText(runs: SwaMetrics[]): string {
  const one = (m: SwaMetrics) => {
    const row = m.history[m.selected.epoch - 1];
    return `${runs.length > 1 ? `${m.member}: ` : ''}shuffle seed offset ${m.seed_offset}, the average of its first ${m.selected.epoch} epochs (val accuracy with its mirror image ${row.val_acc_flip.toFixed(4)}; with the other member, ${combineText(m.config.swa.members[m.member]?.combine)}, ${m.selected.accuracy.toFixed(4)})`;
  };
  const c = runs[0].config.swa;
  return ` **Weight averaging** (\`swa.py\`, Izmailov et al. 2018, "Averaging weights leads to wider optima"): ${runs.map((m) => m.member).join(' and ')} trained on at a
  constant learning rate ${c.lr} for up to ${runs.map((m) => m.history.length).join(' and ')} epochs, its weights averaged at the end of every epoch and the batch-norm statistics of the
  average recomputed on the train images; what ships is the average, of the same size as the net it came from, chosen by the val accuracy of
  its average with the other member, face and mirror. ${runs.map(one).join('; ')}.`;
}

applyManifestEdit({
  entry,
  cardSection: {
    id: ID,
    markdown: `## ${ID} (facial expression, default)

- **What**: our own CNN, trained in this repository (\`training/face/\`): seven 3×3 conv–batch-norm–ReLU layers in four stages
  (${train.config.model.channels.join('–')} channels at 48, 24, 12 and 6 px), global average pooling, dropout ${train.config.model.dropout}, one linear layer;
  ${(perNet / 1e6).toFixed(2)} M parameters${ensemble ? `. The shipped graph holds ${exp.members.length} trained copies of this network (${exp.members.join(', ')}; ${(exp.parameters / 1e6).toFixed(2)} M parameters in all)` : ''}. The ONNX graph (opset ${exp.opset}) ${graphText} by the temperature and applies softmax. Classes in model order ${labels.join(', ')}; \`canonicalMap\` [${canonicalMap.join(', ')}].
- **Input**: \`input\` [batch, ${exp.size}, ${exp.size}, 1] NHWC float: gray = 0.2989 R + 0.5870 G + 0.1140 B (0..255), x = gray/127.5 − 1; the
  app crops faces as for mini-Xception (manifest \`crop\`), area-averaged to the 64×64 crop the quality check uses, then
  area-resized to ${exp.size}×${exp.size}.
- **Data and split**: FER2013 (Goodfellow et al. 2013) from ../shared/data: \`train\` (28,709 images) to train, \`val\` (PublicTest,
  3,589) to pick the epoch and fit the temperature. No test split was used or looked for. So the figures below are on the
  set that also chose the epoch: a slightly optimistic estimate.
- **Training** (\`training/face/README.md\`, one command per step, everything in \`config.json\`, seed ${train.config.seed}): SGD with Nesterov momentum, batch
  ${train.config.train.batch_size}, peak learning rate ${train.config.train.lr} with 1 epoch of warm-up then cosine decay over ${train.config.train.epochs} epochs, weight decay ${train.config.train.weight_decay},
  label smoothing ${train.config.train.label_smoothing}; augmentation: rotation ±15°, scale 0.9–1.1, shift ±8 %, horizontal flip, brightness ±20 %,
  contrast ±15 %, random erasing (p 0.2, 2–15 % of the image). ${trainMinutes.toFixed(0)} min wall time on the shared 2-core build machine (no GPU was lent); selected epoch
  ${train.selected.epoch} of ${train.config.train.epochs}, chosen by val accuracy averaged over each face and its mirror image (${best.val_acc_flip.toFixed(4)}; the face alone: ${best.val_acc.toFixed(4)}).${snapText}${peerText}${swaText}${quantText}
- **Calibration** (temperature scaling on val, ${cal.bins}-bin expected calibration error): T = ${cal.temperature.toFixed(3)}; ECE ${cal.ece_before.toFixed(4)} before,
  **${cal.ece_after.toFixed(4)}** after; NLL ${cal.nll_before.toFixed(4)} → ${cal.nll_after.toFixed(4)}. Fusion weighs these probabilities.
- **Measured** (FER2013 PublicTest, n = ${cal.n}): PyTorch${quant ? ' (float graph)' : ''} accuracy ${cal.accuracy.toFixed(4)}, macro-F1 ${cal.macro_f1.toFixed(4)}.${
      evals.whole
        ? ` Through the app (\`npm run eval:faces\`): the 48×48 images straight into the classifier ("whole image") accuracy
  **${evals.whole.accuracy.toFixed(4)}**, macro-F1 **${evals.whole.macroF1.toFixed(4)}**, ECE ${evals.whole.ece.toFixed(4)} (recall ${recall(evals.whole)}); the same images placed in a canvas
  and sent through detection → aligned crop → classifier ("face crop", \`--through-detector\`) accuracy **${evals.crop.accuracy.toFixed(4)}**, macro-F1
  **${evals.crop.macroF1.toFixed(4)}**, with ${evals.crop.noFace} images where no face was detected counted as wrong. The converted mini-Xception scores
  0.5514 / 0.5015 on the same whole images.`
        : ''
    } onnxruntime reproduces PyTorch on a probe input to ${maxDiff.toExponential(1)}${int8Diff === null ? '' : ` with the float graph, and to ${int8Diff.toExponential(1)} (probability) with the int8 graph that ships`}.

${confusionTable}

- **Intended use**: second-by-second expression estimates in research and screening sessions, reviewed by a person, together
  with the quality flag and the voice. **Not for** diagnosis or decisions about an individual.
- **Known limits and biases of FER2013**: web-scraped images found by emotion keywords, labelled once by crowd workers
  (human accuracy about 65 %); mostly adult faces, few children and elderly people, reported to over-represent lighter-skinned
  faces, many posed or exaggerated expressions; classes are uneven (disgust 436 of 28,709 training images, happy 7,215), so disgust and fear
  are the least reliable; 48×48 gray faces, so fine detail is lost. Accuracy on a clinical camera and a given population
  is unknown until measured there.
- **Licence**: trained on FER2013, whose terms allow research use only; the weights are shipped for research use.`,
  },
});
applyManifestEdit({ entry: { ...old, default: false } });
console.log(`${ID}: ${exp.file} sha256 ${sha256}; onnxruntime vs PyTorch max diff ${maxDiff.toExponential(2)}${int8Diff === null ? '' : ` (int8 graph ${int8Diff.toExponential(2)})`}; now the default face-emotion model (${OLD_DEFAULT} stays selectable)`);
for (const [k, e] of Object.entries(evals)) console.log(`  ${k}: accuracy=${e.accuracy.toFixed(4)} macro_f1=${e.macroF1.toFixed(4)} n=${e.n} no_face=${e.noFace}`);
