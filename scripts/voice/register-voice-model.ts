/**
 * Registers a voice-emotion model exported by training/voice/export_onnx.py: checks that onnxruntime gives the
 * same probabilities as PyTorch on the export's probe input, then writes its models/manifest.json entry and
 * models/MODEL_CARD.md section (under the shared manifest lock). The front-end constants come from the app's
 * own params.ts, so the manifest states exactly the frames the model was trained on.
 *
 *   npx tsx scripts/voice/register-voice-model.ts logmel-cnn|logmel-cnn-ensemble|features [--default]
 *
 * logmel-cnn-ensemble registers the graph of several log-mel CNN runs (training/voice/ensemble.py) under the id of the
 * single log-mel CNN, which it replaces.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as P from '../../src-main/core/analysis/voice/params.js';
import { EMOTIONS } from '../../src-shared/emotions.js';
import { applyManifestEdit, REPO_MODELS_DIR } from '../models/manifest-edit.js';
import { checkAgainstProbe, type ExportProbe } from '../models/probe-check.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(repo, 'training/voice/out');
const tag = process.argv[2];
const isDefault = process.argv.includes('--default');
if (tag !== 'logmel-cnn' && tag !== 'logmel-cnn-ensemble' && tag !== 'features') throw new Error('usage: register-voice-model.ts logmel-cnn|logmel-cnn-ensemble|features [--default]');

interface Exported {
  labels: string[];
  file: string;
  inputKind: 'logmel' | 'features';
  minFrames?: number;
  windowFrames?: number;
  featureNames?: string[];
  featureImpute?: Record<string, number>;
  /** logmel-cnn-ensemble: the variants whose runs the graph averages, and their parameters in all. */
  members?: string[];
  parameters?: number;
  probe: ExportProbe;
}
interface Metrics {
  train_actors: number[];
  val_actors: number[];
  accuracy: number;
  macro_f1: number;
  confusion: number[][];
  labels: string[];
}
const readJson = <T>(f: string): T => {
  if (!existsSync(f)) throw new Error(`${f} is missing: run the training steps in training/voice/README.md first`);
  return JSON.parse(readFileSync(f, 'utf8')) as T;
};
const exp = readJson<Exported>(path.join(out, `${tag}-export.json`));
const met = readJson<Metrics>(path.join(out, `${tag}-metrics.json`));
const other = tag === 'features' ? 'logmel-cnn' : 'features';
const otherMet = existsSync(path.join(out, `${other}-metrics.json`)) ? readJson<Metrics>(path.join(out, `${other}-metrics.json`)) : null;
const file = path.join(REPO_MODELS_DIR, exp.file);

// onnxruntime must reproduce PyTorch on the probe input.
const maxDiff = await checkAgainstProbe(file, exp.probe);

const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
const labels = exp.labels;
const canonicalMap = EMOTIONS.map((e) => labels.indexOf(e));
const span = (a: number[]) => `${String(a[0]).padStart(2, '0')}–${String(a[a.length - 1]).padStart(2, '0')}`;
const id = tag === 'features' ? 'voice-emotion-features-mlp' : 'voice-emotion-logmel-cnn';
const inputs =
  exp.inputKind === 'logmel'
    ? [
        {
          name: 'logmel',
          shape: [-1, 1, P.LOGMEL_BANDS, -1],
          dtype: 'float32',
          layout: '[batch, 1, mel band, 10 ms frame]; a 2 s window is 198 frames',
          normalisation: 'natural-log mel energies from src-main/core/analysis/voice (frontEnd below), unnormalised: the graph centres each band on its mean over the window and divides by 5',
        },
      ]
    : [
        {
          name: 'features',
          shape: [-1, exp.featureNames!.length],
          dtype: 'float32',
          layout: '[batch, feature] in featureNames order',
          normalisation: 'raw window features (docs/voice-features.md); the graph standardises with training means and SDs; a missing value is passed as its featureImpute value',
        },
      ];
const confusionTable = [
  `| true \\ predicted | ${labels.join(' | ')} |`,
  `|---|${labels.map(() => '---:').join('|')}|`,
  ...met.confusion.map((row, i) => `| ${labels[i]} | ${row.join(' | ')} |`),
].join('\n');

applyManifestEdit({
  entry: {
    id,
    task: 'voice-emotion',
    file: exp.file,
    sha256,
    default: isDefault,
    inputs,
    outputs: [{ name: 'probs', shape: [-1, labels.length], dtype: 'float32' }],
    labels,
    canonicalMap,
    foldInto: { calm: 'neutral' },
    inputKind: exp.inputKind,
    ...(exp.inputKind === 'logmel'
      ? {
          minFrames: exp.minFrames,
          frontEnd: {
            sampleRate: P.SAMPLE_RATE,
            frameHop: P.FRAME_HOP,
            spectrumFrame: P.SPECTRUM_FRAME,
            fftSize: P.FFT_SIZE,
            bands: P.LOGMEL_BANDS,
            fminHz: P.LOGMEL_FMIN_HZ,
            fmaxHz: P.LOGMEL_FMAX_HZ,
            logFloor: P.LOG_FLOOR,
          },
        }
      : { featureNames: exp.featureNames, featureImpute: exp.featureImpute }),
    source: { package: 'affect-studio', version: 'training/voice', path: `training/voice (${tag})` },
    licence: 'Trained here on RAVDESS (CC BY-NC-SA 4.0): research and non-commercial use',
    converted: { by: 'training/voice/export_onnx.py (torch.onnx, opset 17)', at: new Date().toISOString().slice(0, 10) },
    metrics: {
      valAccuracy: Number(met.accuracy.toFixed(4)),
      valMacroF1: Number(met.macro_f1.toFixed(4)),
      valActors: span(met.val_actors),
      trainActors: span(met.train_actors),
      valClips: met.confusion.flat().reduce((a, b) => a + b, 0),
    },
    confusion: { labels, rows: met.confusion },
    notes: 'Clip-level figures: a clip is classified by the mean of its windows (2 s, hop 0.5 s, plus one ending at the clip end).',
  },
  cardSection: {
    id,
    markdown: `## ${id} (voice emotion${isDefault ? ', default' : ''})

- **What**: ${exp.members ? `${exp.members.length} small CNNs (4 conv blocks, 16–64 channels, each trained alone with its own seed: \`training/voice/config.json\` \`cnn_variants\` ${exp.members.join(', ')}; ${((exp.parameters ?? 0) / 1e3).toFixed(0)} k parameters in all) over 64-band log-mel frames computed by the app\'s own frame analyser, their softmax outputs averaged in the graph` : exp.inputKind === 'logmel' ? 'a small CNN (4 conv blocks, 16–64 channels) over 64-band log-mel frames computed by the app\'s own frame analyser' : 'an MLP over the app\'s eGeMAPS-style window features'}; eight classes in model order ${labels.join(', ')}.
- **Data**: RAVDESS audio-only speech (Livingstone & Russo 2018, CC BY-NC-SA 4.0), the copy in ../shared/data (16 kHz, cut at 2.39 s). Not redistributed; the model is research-only because of the data's licence.
- **Split**: by actor, never by file: actors ${span(met.train_actors)} train, actors ${span(met.val_actors)} validate (${met.confusion.flat().reduce((a, b) => a + b, 0)} clips). Settings were chosen from short runs that held actors 13–16 out of training (\`--inner\`); the validation actors give only the figures below, from the last training step (no checkpoint picked by validation score).
- **Training**: \`training/voice/README.md\` (one command per step; seed ${'fixed in config.json'}). Inputs are made by the app's TypeScript code (\`scripts/voice/dump-ravdess.ts\`), with 7 seeded augmented copies per training clip (speed 0.9–1.1, gain ±12 dB, white/pink noise at −70…−35 dBFS)${exp.inputKind === 'logmel' ? ', random 2 s crops and SpecAugment masks' : ''}.
- **Validation (actors ${span(met.val_actors)}, clip level)**: accuracy **${met.accuracy.toFixed(4)}**, macro-F1 **${met.macro_f1.toFixed(4)}**${otherMet ? `; the other approach (${other}) reached accuracy ${otherMet.accuracy.toFixed(4)}, macro-F1 ${otherMet.macro_f1.toFixed(4)} on the same actors` : ''}.

${confusionTable}

- **Canonical mapping**: canonicalMap takes each canonical class from the model output of the same name; \`foldInto\` adds **calm** to **neutral** (both are low-arousal, non-negative states and the canonical set has no calm), while the calm probability is also stored on its own (voice_obs.p_calm) and places the valence/arousal estimate at Russell's "relaxation" rather than at the centre.
- **Limits**: acted, read sentences from 20 North-American actors in a studio; expect lower accuracy on spontaneous speech, other languages, children, far-field or noisy microphones. Windows without detected speech get no estimate.`,
  },
});
console.log(`${id}: ${exp.file} sha256 ${sha256}; onnxruntime vs PyTorch max diff ${maxDiff.toExponential(2)}`);

// The manifest fields the voice models add to the common entry shape, documented once.
applyManifestEdit({
  cardSection: {
    id: 'voice-manifest-fields',
    markdown: `## Manifest fields used by the voice models

Beyond the common entry fields, voice entries carry:

| field | on | meaning |
|---|---|---|
| \`sampleRate\`, \`frameSamples\`, \`contextSamples\` | vad | 16000 Hz; samples per call (512); samples of the previous frame prefixed to each call (64) |
| \`speechThreshold\` | vad | frame probability counted as speech (0.5) |
| \`source.packageLicence\` | vad | licence of the npm package the file was copied from (the model's own is \`licence\`) |
| \`inputKind\` | voice-emotion | \`logmel\` ([batch, 1, 64, frames] log-mel from the app's frame analyser) or \`features\` ([batch, n] window features) |
| \`frontEnd\` | voice-emotion, logmel | the frame constants the model was trained with; the app refuses the model if its own differ |
| \`minFrames\` | voice-emotion, logmel | shortest input (10 ms frames) the network accepts; shorter windows get no estimate |
| \`featureNames\`, \`featureImpute\` | voice-emotion, features | input order, and the value passed for a feature that is not measurable in a window |
| \`foldInto\` | voice-emotion | model classes added to a canonical class (\`calm\` → \`neutral\`) |
| \`confusion\` | voice-emotion | validation confusion matrix, rows true, columns predicted, in \`labels\` order |`,
  },
});
