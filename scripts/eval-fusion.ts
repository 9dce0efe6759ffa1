/**
 * Face + voice fusion measured on audio-visual pairs made from separate face and voice corpora.
 *
 *   npm run eval:fusion -- --faces DIR --voices DIR [--pairs N] [--seed S] [--actors LIST] [--face-labels folders|ferplus]
 *                          [--models DIR] [--rule linear|log-linear] [--face-weight W] [--voice-weight W] [--fit FILE] [--json FILE]
 *
 * Every voice clip whose class is one of the seven the two modalities share (calm clips are left out) is paired
 * with N face images of the same class (--pairs, default 1), drawn without replacement by a seeded shuffle
 * (--seed, default 1). Faces: DIR/<label>/*.jpg|png 48×48 crops straight into the classifier as eval:faces does,
 * or, with --face-labels ferplus, DIR/labels.csv (PublicTest rows, FER+ majority). Voices: DIR/<label>/*.wav, or
 * a RAVDESS folder (Actor_NN/*.wav, emotion in the file name; --actors 17-20 picks actors). Both go through the
 * app's analysers (the manifest's default models, or those of the models folder --models DIR), and each pair
 * becomes a short session: the face, reliable with quality 1, at every grid step of the clip's duration, and the
 * clip's voice windows, fused by the app's own timeline (align → fuse → smooth) with the app's default fusion
 * parameters unless --rule/--face-weight/--voice-weight override them. A pair is classified by the mean of its
 * fused rows; face alone by the face's probabilities; voice alone by the mean of the clip's speech windows (as
 * eval:voice does).
 *
 * --fit FILE searches the fusion weights on these pairs (a development split, never the test pairs) for the
 * lowest negative log-likelihood of the true class and writes them to FILE as JSON.
 *
 * This pairing assumes face and voice are independent given the emotion, which real sessions are not; it measures
 * the fusion rule, not audio-visual recognition. The last line is exactly
 *   face_accuracy=0.xxxx voice_accuracy=0.xxxx fused_accuracy=0.xxxx n=N
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ANALYSIS_PARAMS, type FusionParams, fusionParamsSchema } from '../src-shared/analysis.js';
import { EMOTIONS, topIndex } from '../src-shared/emotions.js';
import { VoiceAnalyzer } from '../src-main/core/analysis/voice/voice-analyzer.js';
import type { FaceSample, VoiceSample } from '../src-main/core/analysis/fusion.js';
import { fuseTimeline } from '../src-main/core/analysis/timeline.js';
import { FaceAnalyzer } from '../src-main/core/analysis/face/face-analyzer.js';
import { resizeBilinear, toGray } from '../src-main/core/analysis/face/gray-resize.js';
import { InferenceService } from '../src-main/core/inference/inference-service.js';
import { decodeImageFile } from './lib/decode-image.js';
import { readFerplusLabels } from './lib/ferplus-labels.js';
import { mulberry32, seededShuffle } from '../src-shared/seeded-random.js';

/** The classes both modalities have (canonical names); a voice model's calm and a face model's contempt are not among them. */
const SHARED = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry'] as const;
const RAVDESS_EMOTION: Record<string, string> = { '01': 'neutral', '02': 'calm', '03': 'happy', '04': 'sad', '05': 'angry', '06': 'fear', '07': 'disgust', '08': 'surprise' };
const BATCH = 256;

interface Args {
  faces: string;
  voices: string;
  pairs: number;
  seed: number;
  actors: number[] | null;
  faceLabels: 'folders' | 'ferplus';
  models?: string;
  rule?: FusionParams['rule'];
  faceWeight?: number;
  voiceWeight?: number;
  fit?: string;
  json?: string;
}

const USAGE =
  'usage: npm run eval:fusion -- --faces DIR --voices DIR [--pairs N] [--seed S] [--actors 17-20] [--face-labels folders|ferplus] [--models DIR] [--rule linear|log-linear] [--face-weight W] [--voice-weight W] [--fit FILE] [--json FILE]';

function parseActors(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--actors takes numbers and ranges like 17-20,22, not "${s}"`);
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let k = a; k <= b; k++) out.push(k);
  }
  return out;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { faces: '', voices: '', pairs: 1, seed: 1, actors: null, faceLabels: 'folders' };
  const value = (i: number): string => {
    if (i >= argv.length || argv[i].startsWith('--')) throw new Error(`${argv[i - 1]} needs a value\n${USAGE}`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    if (o === '--faces') a.faces = value(++i);
    else if (o === '--voices') a.voices = value(++i);
    else if (o === '--pairs') a.pairs = Number(value(++i));
    else if (o === '--seed') a.seed = Number(value(++i));
    else if (o === '--actors') a.actors = parseActors(value(++i));
    else if (o === '--face-labels') a.faceLabels = value(++i) as Args['faceLabels'];
    else if (o === '--models') a.models = value(++i);
    else if (o === '--rule') a.rule = value(++i) as FusionParams['rule'];
    else if (o === '--face-weight') a.faceWeight = Number(value(++i));
    else if (o === '--voice-weight') a.voiceWeight = Number(value(++i));
    else if (o === '--fit') a.fit = value(++i);
    else if (o === '--json') a.json = value(++i);
    else throw new Error(`Unknown argument ${o}\n${USAGE}`);
  }
  if (!a.faces || !a.voices) throw new Error(USAGE);
  if (!Number.isInteger(a.pairs) || a.pairs < 1 || a.pairs > 1000) throw new Error('--pairs must be a whole number from 1 to 1000');
  if (!Number.isInteger(a.seed)) throw new Error('--seed must be a whole number');
  if (!['folders', 'ferplus'].includes(a.faceLabels)) throw new Error('--face-labels must be folders or ferplus');
  for (const d of [a.faces, a.voices, a.models]) if (d !== undefined && (!existsSync(d) || !statSync(d).isDirectory())) throw new Error(`${d} is not a folder`);
  return a;
}

function filesIn(dir: string, ext: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function listFaces(a: Args): Array<{ file: string; label: string }> {
  if (a.faceLabels === 'ferplus') return readFerplusLabels(a.faces, { truth: 'ferplus', dropCrossUsageDuplicates: false, limitPerLabel: Infinity }).items.filter((it) => (SHARED as readonly string[]).includes(it.label));
  return SHARED.filter((l) => existsSync(path.join(a.faces, l))).flatMap((label) => filesIn(path.join(a.faces, label), /\.(jpe?g|png)$/i).map((file) => ({ file, label })));
}

function listVoices(a: Args): Array<{ file: string; label: string }> {
  const entries = readdirSync(a.voices);
  const actorDirs = entries.filter((d) => /^Actor_\d+$/.test(d));
  if (actorDirs.length) {
    const wanted = a.actors ?? actorDirs.map((d) => Number(d.slice(6)));
    const missing = wanted.filter((n) => !actorDirs.includes(`Actor_${String(n).padStart(2, '0')}`));
    if (missing.length) throw new Error(`${a.voices} has no Actor_ folder for actor(s) ${missing.join(', ')}`);
    return wanted.flatMap((n) =>
      filesIn(path.join(a.voices, `Actor_${String(n).padStart(2, '0')}`), /\.wav$/i).flatMap((file) => {
        const label = RAVDESS_EMOTION[path.basename(file).split('-')[2]];
        return label ? [{ file, label }] : [];
      }),
    );
  }
  if (a.actors) throw new Error('--actors applies to a RAVDESS folder (Actor_NN sub-folders)');
  return SHARED.filter((l) => existsSync(path.join(a.voices, l))).flatMap((label) => filesIn(path.join(a.voices, label), /\.(wav|flac|webm)$/i).map((file) => ({ file, label })));
}

interface Clip {
  file: string;
  label: string;
  durationMs: number;
  windows: VoiceSample[];
  /** Voice alone: mean canonical probabilities of the speech windows (all windows when none has speech), or null. */
  probs: Array<number | null> | null;
}

interface Pair {
  clip: Clip;
  face: Array<number | null>;
  label: string;
}


/** Mean fused probabilities of a pair's session (null: no row had an estimate). */
function fusedPair(pair: Pair, params: FusionParams): Array<number | null> | null {
  const steps = Math.max(1, Math.ceil(pair.clip.durationMs / params.gridStepMs));
  const faces: FaceSample[] = Array.from({ length: steps }, (_, i) => ({ tMs: i * params.gridStepMs, ref: null, trackId: 1, box: null, reliable: true, quality: 1, probs: pair.face }));
  const sum = new Array<number>(EMOTIONS.length).fill(0);
  let rows = 0;
  for (const row of fuseTimeline(faces, pair.clip.windows, pair.clip.durationMs, params)) {
    if (!row.probs) continue;
    for (let k = 0; k < sum.length; k++) sum[k] += row.probs[k];
    rows++;
  }
  // NaN (a class no contributing model gives) stays without a value.
  return rows ? sum.map((v) => (Number.isNaN(v) ? null : v / rows)) : null;
}

interface Score {
  accuracy: number;
  nll: number;
  perClassRecall: Record<string, number>;
}

function score(probs: Array<Array<number | null> | null>, labels: string[]): Score {
  let ok = 0;
  let nll = 0;
  const hit = new Map<string, [number, number]>();
  probs.forEach((p, i) => {
    const t = (EMOTIONS as readonly string[]).indexOf(labels[i]);
    const right = p !== null && topIndex(p) === t;
    if (right) ok++;
    nll -= Math.log(Math.max(1e-12, p ? (p[t] ?? 0) : 0));
    const h = hit.get(labels[i]) ?? [0, 0];
    hit.set(labels[i], [h[0] + (right ? 1 : 0), h[1] + 1]);
  });
  const perClassRecall = Object.fromEntries(SHARED.filter((l) => hit.has(l)).map((l) => [l, hit.get(l)![0] / hit.get(l)![1]]));
  return { accuracy: ok / probs.length, nll: nll / probs.length, perClassRecall };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const params: FusionParams = fusionParamsSchema.parse({
    ...DEFAULT_ANALYSIS_PARAMS.fusion,
    ...(a.rule ? { rule: a.rule } : {}),
    ...(a.faceWeight !== undefined ? { faceWeight: a.faceWeight } : {}),
    ...(a.voiceWeight !== undefined ? { voiceWeight: a.voiceWeight } : {}),
  });
  const voiceItems = listVoices(a).filter((v) => (SHARED as readonly string[]).includes(v.label));
  const faceItems = listFaces(a);
  if (!voiceItems.length) throw new Error(`No voice clips of the shared classes (${SHARED.join(', ')}) under ${a.voices}`);
  const facesByLabel = new Map<string, string[]>();
  for (const f of faceItems) facesByLabel.set(f.label, [...(facesByLabel.get(f.label) ?? []), f.file]);
  const missing = [...new Set(voiceItems.map((v) => v.label))].filter((l) => (facesByLabel.get(l)?.length ?? 0) < a.pairs);
  if (missing.length) throw new Error(`Fewer than ${a.pairs} face image(s) for: ${missing.join(', ')} (under ${a.faces})`);

  // Pairing: each class's faces shuffled once by the seed, then dealt out in turn, N per clip, so no face repeats
  // within a class until all of that class's faces were used.
  const rand = mulberry32(a.seed);
  const deck = new Map<string, { files: string[]; next: number }>();
  for (const [l, files] of facesByLabel) deck.set(l, { files: seededShuffle(files, rand), next: 0 });
  const chosen = voiceItems.map((v) =>
    Array.from({ length: a.pairs }, () => {
      const d = deck.get(v.label)!;
      const f = d.files[d.next % d.files.length];
      d.next++;
      return f;
    }),
  );

  const svc = await InferenceService.start({ provider: 'cpu', modelsDir: a.models });
  try {
    const faceAnalyzer = await FaceAnalyzer.create(svc);
    const clf = faceAnalyzer.classifier;
    const S = clf.size;
    const faceFiles = [...new Set(chosen.flat())];
    const faceProbs = new Map<string, Array<number | null>>();
    for (let s = 0; s < faceFiles.length; s += BATCH) {
      const batch = faceFiles.slice(s, s + BATCH);
      const buf = new Float32Array(batch.length * S * S);
      batch.forEach((f, k) => {
        const img = decodeImageFile(f);
        resizeBilinear(toGray(img.rgba, img.width, img.height, 4, clf.norm.grayWeights), img.width, img.height, S, 'tf-legacy', buf, k * S * S);
      });
      (await clf.classify(buf, batch.length)).forEach((p, k) => faceProbs.set(batch[k], p));
    }

    const voice = await VoiceAnalyzer.create(svc);
    const clips: Clip[] = [];
    for (const [i, v] of voiceItems.entries()) {
      const { windows, durationMs } = await voice.analyzeMediaFile(v.file, { classifyAll: true });
      const samples: VoiceSample[] = windows.map((w) => ({ startMs: w.tMs, endMs: w.tMs + w.durMs, ref: w.tMs, speech: w.speech, speechProb: w.speechProb, probs: w.emotion?.probs ?? null }));
      const speech = windows.filter((w) => w.speech && w.emotion);
      const used = speech.length ? speech : windows.filter((w) => w.emotion);
      // A class the voice model lacks (contempt) stays without a value.
      const probs = used.length ? EMOTIONS.map((_, k) => (used[0].emotion!.probs[k] === null ? null : used.reduce((s, w) => s + (w.emotion!.probs[k] ?? 0), 0) / used.length)) : null;
      const lastEnd = windows.reduce((m, w) => Math.max(m, w.tMs + w.durMs), 0);
      clips.push({ file: v.file, label: v.label, durationMs: durationMs ?? lastEnd, windows: samples, probs });
      if ((i + 1) % 50 === 0) console.error(`${i + 1}/${voiceItems.length} voice clips`);
    }
    const pairs: Pair[] = clips.flatMap((clip, i) => chosen[i].map((f) => ({ clip, face: faceProbs.get(f)!, label: clip.label })));
    const labels = pairs.map((p) => p.label);
    const faceScore = score(pairs.map((p) => p.face), labels);
    const voiceScore = score(pairs.map((p) => p.clip.probs), labels);

    let used = params;
    let fit: Record<string, unknown> | null = null;
    if (a.fit) {
      // Coarse-to-fine search over the two weights in 0–2 (log-linear: their size matters; linear: only their ratio
      // does): every 0.25, then every 0.05 within ±0.25 of the best; the NLL surface is smooth in the weights, and the
      // full 0.05 grid (1,680 settings through the timeline) took an hour on a loaded machine.
      let best: { p: FusionParams; s: Score } | null = null;
      const tried = new Set<string>();
      const search = (fws: number[], vws: number[]): void => {
        for (const fw of fws)
          for (const vw of vws) {
            const key = `${fw.toFixed(2)}/${vw.toFixed(2)}`;
            if ((fw === 0 && vw === 0) || tried.has(key)) continue;
            tried.add(key);
            const p = { ...params, faceWeight: fw, voiceWeight: vw };
            const s = score(pairs.map((q) => fusedPair(q, p)), labels);
            if (!best || s.nll < best.s.nll) best = { p, s };
          }
      };
      const steps = (from: number, to: number, step: number): number[] => {
        const out: number[] = [];
        for (let k = Math.ceil(from / step - 1e-9); k * step <= to + 1e-9; k++) if (k >= 0) out.push(Math.round(k * step * 100) / 100);
        return out;
      };
      search(steps(0, 2, 0.25), steps(0, 2, 0.25));
      const coarse = best!.p as FusionParams;
      search(steps(Math.max(0, coarse.faceWeight - 0.25), Math.min(2, coarse.faceWeight + 0.25), 0.05), steps(Math.max(0, coarse.voiceWeight - 0.25), Math.min(2, coarse.voiceWeight + 0.25), 0.05));
      console.error(`${tried.size} weight settings tried`);
      used = best!.p;
      fit = { rule: used.rule, faceWeight: used.faceWeight, voiceWeight: used.voiceWeight, nll: best!.s.nll, accuracy: best!.s.accuracy, n: pairs.length, faces: a.faces, voices: a.voices, actors: a.actors, pairs: a.pairs, seed: a.seed };
      writeFileSync(a.fit, `${JSON.stringify(fit, null, 1)}\n`);
      console.log(`fit (lowest NLL on these pairs): rule ${used.rule}, faceWeight ${used.faceWeight.toFixed(2)}, voiceWeight ${used.voiceWeight.toFixed(2)} → written to ${a.fit}`);
    }
    const fusedScore = score(pairs.map((p) => fusedPair(p, used)), labels);

    const models = `face ${faceAnalyzer.modelRefs.emotion.id} (sha256 ${faceAnalyzer.modelRefs.emotion.sha256.slice(0, 12)}), voice ${voice.emotionEntry!.id} (${voice.emotionEntry!.sha256.slice(0, 12)})`;
    console.log(`${models}; ${clips.length} voice clips × ${a.pairs} face(s) = ${pairs.length} pairs, seed ${a.seed}`);
    console.log(`fusion: rule ${used.rule}, faceWeight ${used.faceWeight}, voiceWeight ${used.voiceWeight}, grid ${used.gridStepMs} ms, half-life ${used.halfLifeMs} ms`);
    console.log('');
    const w = 10;
    console.log(`${'class'.padEnd(w)}${'n'.padStart(6)}${'face'.padStart(8)}${'voice'.padStart(8)}${'fused'.padStart(8)}   (recall)`);
    for (const l of SHARED) {
      if (!(l in fusedScore.perClassRecall)) continue;
      const n = labels.filter((x) => x === l).length;
      console.log(`${l.padEnd(w)}${String(n).padStart(6)}${faceScore.perClassRecall[l].toFixed(3).padStart(8)}${voiceScore.perClassRecall[l].toFixed(3).padStart(8)}${fusedScore.perClassRecall[l].toFixed(3).padStart(8)}`);
    }
    console.log(`NLL of the true class: face ${faceScore.nll.toFixed(4)}, voice ${voiceScore.nll.toFixed(4)}, fused ${fusedScore.nll.toFixed(4)}`);
    if (a.json) {
      writeFileSync(a.json, `${JSON.stringify({ faces: a.faces, voices: a.voices, actors: a.actors, pairs: a.pairs, seed: a.seed, n: pairs.length, clips: clips.length, fusion: { rule: used.rule, faceWeight: used.faceWeight, voiceWeight: used.voiceWeight }, face: faceScore, voice: voiceScore, fused: fusedScore, fit }, null, 1)}\n`);
    }
    console.log(`face_accuracy=${faceScore.accuracy.toFixed(4)} voice_accuracy=${voiceScore.accuracy.toFixed(4)} fused_accuracy=${fusedScore.accuracy.toFixed(4)} n=${pairs.length}`);
  } finally {
    await svc.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
