/**
 * Voice-emotion evaluation on a labelled folder of clips: DIR/<label>/**.{wav,flac,webm}, labels among angry,
 * calm, disgust, fear, happy, neutral, sad, surprise. Each clip goes through the app's own pipeline
 * (VoiceAnalyzer.analyzeMediaFile: ffmpeg decode, VAD, windows, model) and is classified once, by the mean of
 * its speech windows' probabilities (all windows when the VAD finds no speech in the clip; counted and shown).
 *
 *   npm run eval:voice -- DIR [--model ID] [--models DIR]
 *
 * --models DIR: a models folder with its own manifest (e.g. training/voice/out/dev-models, a development copy).
 *
 * Calm: a model without a calm class scores calm clips as neutral; when DIR has no calm folder, a calm
 * prediction counts as neutral. Prints the confusion matrix and per-class figures; the last line is exactly
 *   accuracy=0.xxxx macro_f1=0.xxxx n=N
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { VoiceAnalyzer } from '../src-main/core/analysis/voice/voice-analyzer.js';
import { InferenceService } from '../src-main/core/inference/inference-service.js';
import type { VoiceWindowResult } from '../src-shared/contract/voice.js';
import { EMOTIONS } from '../src-shared/emotions.js';
import { evaluate } from './lib/classification-metrics.js';

const LABELS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'];
const EXTENSIONS = new Set(['.wav', '.flac', '.webm']);

function parseArgs(argv: string[]): { dir: string; model?: string; models?: string } {
  let dir = '';
  let model: string | undefined;
  let models: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--model') model = argv[++i];
    else if (argv[i] === '--models') models = argv[++i];
    else if (argv[i].startsWith('--')) throw new Error(`Unknown option ${argv[i]}`);
    else dir = argv[i];
  }
  if (!dir) throw new Error('usage: npm run eval:voice -- DIR [--model ID] [--models DIR]');
  for (const d of [dir, models]) if (d !== undefined && (!existsSync(d) || !statSync(d).isDirectory())) throw new Error(`${d} is not a folder`);
  return { dir, model, models };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (EXTENSIONS.has(path.extname(name).toLowerCase())) out.push(p);
  }
  return out;
}

/** The clip's probabilities over LABELS (calm split back out of neutral), from its windows. */
function clipProbs(windows: VoiceWindowResult[]): { probs: number[]; speech: boolean } | null {
  const speech = windows.filter((w) => w.speech && w.emotion);
  const used = speech.length ? speech : windows.filter((w) => w.emotion);
  if (!used.length) return null;
  const sum = new Array<number>(LABELS.length).fill(0);
  for (const w of used) {
    const e = w.emotion!;
    const calm = e.calm ?? 0;
    LABELS.forEach((l, i) => {
      if (l === 'calm') sum[i] += calm;
      else if (l === 'neutral') sum[i] += (e.probs[0] ?? 0) - calm;
      else sum[i] += e.probs[(EMOTIONS as readonly string[]).indexOf(l)] ?? 0;
    });
  }
  return { probs: sum.map((v) => v / used.length), speech: speech.length > 0 };
}

function formatMatrix(e: ReturnType<typeof evaluate>): string {
  const w = Math.max(10, ...e.predLabels.map((l) => l.length + 1));
  const pad = (s: string | number) => String(s).padStart(w);
  const lines = [`${'true\\pred'.padEnd(w)}${e.predLabels.map(pad).join('')}${pad('recall')}`];
  e.trueLabels.forEach((l, t) => {
    if (e.perClass[t].n) lines.push(`${l.padEnd(w)}${e.matrix[t].slice(0, e.predLabels.length).map(pad).join('')}${pad(e.perClass[t].recall.toFixed(3))}`);
  });
  lines.push('', `${'class'.padEnd(w)}${pad('n')}${pad('precision')}${pad('recall')}${pad('f1')}`);
  for (const c of e.perClass) if (c.n) lines.push(`${c.label.padEnd(w)}${pad(c.n)}${pad(c.precision.toFixed(3))}${pad(c.recall.toFixed(3))}${pad(c.f1.toFixed(3))}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const folders = readdirSync(args.dir).filter((d) => statSync(path.join(args.dir, d)).isDirectory());
  const unknown = folders.filter((d) => !LABELS.includes(d));
  if (unknown.length) console.error(`ignoring folders that are not labels: ${unknown.join(', ')}`);
  const items = LABELS.filter((l) => folders.includes(l)).flatMap((label) => filesUnder(path.join(args.dir, label)).map((file) => ({ file, label })));
  if (!items.length) throw new Error(`No wav/flac/webm clips under ${args.dir}/<label>/ (labels: ${LABELS.join(', ')})`);

  const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1, modelsDir: args.models });
  try {
    const analyzer = await VoiceAnalyzer.create(svc, { emotionModelId: args.model });
    const entry = analyzer.emotionEntry!;
    const modelHasCalm = (entry.labels ?? []).includes('calm');
    const dirHasCalm = folders.includes('calm');
    const calmAs = (l: string): string => (l === 'calm' && !(modelHasCalm && dirHasCalm) ? 'neutral' : l);
    console.log(`model ${entry.id} (${entry.file}); ${items.length} clips; calm ${modelHasCalm && dirHasCalm ? 'kept as its own class' : 'counted as neutral'}`);
    const results: Array<{ truth: string; pred: string | null }> = [];
    let noSpeech = 0;
    for (const [i, it] of items.entries()) {
      let pred: string | null = null;
      try {
        const { windows } = await analyzer.analyzeMediaFile(it.file, { classifyAll: true });
        const clip = clipProbs(windows);
        if (clip) {
          if (!clip.speech) noSpeech++;
          pred = calmAs(LABELS[clip.probs.indexOf(Math.max(...clip.probs))]);
        }
      } catch (e) {
        console.error(`${it.file}: ${(e as Error).message}`);
      }
      results.push({ truth: calmAs(it.label), pred });
      if ((i + 1) % 50 === 0) console.error(`${i + 1}/${items.length}`);
    }
    const labels = modelHasCalm && dirHasCalm ? LABELS : LABELS.filter((l) => l !== 'calm');
    const failed = results.filter((r) => r.pred === null).length;
    const e = evaluate(
      results.map((r) => ({ truth: r.truth, pred: r.pred ?? '(none)' })),
      labels,
      [...labels, ...(failed ? ['(none)'] : [])],
    );
    console.log(formatMatrix(e));
    if (noSpeech) console.log(`${noSpeech} clip(s) had no window with detected speech; classified from all their windows`);
    if (failed) console.log(`${failed} clip(s) could not be analysed (counted as wrong, column "(none)")`);
    console.log(`accuracy=${e.accuracy.toFixed(4)} macro_f1=${e.macroF1.toFixed(4)} n=${e.n}`);
  } finally {
    await svc.close();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
