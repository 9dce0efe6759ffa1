/**
 * Computes the voice model's training inputs with the app's own code: for every RAVDESS clip (and, for the
 * training actors, seeded augmented copies) the log-mel frames of src-main/core/analysis/voice and the window
 * features VoiceStream produces. Reads ../shared/data/ravdess-speech at run time; writes only under
 * training/voice/out/ (ignored by git; the data's licence forbids redistribution).
 *
 *   npx tsx scripts/voice/dump-ravdess.ts [--copies N] [--variant NAME]
 *
 * --variant NAME: `dump_variants.NAME` of config.json merged into `dump` (e.g. `rooms`: generated room impulse
 * responses); writes the log-mel frames only, as ravdess-NAME-logmel.i16 and ravdess-NAME-index.json, beside the
 * base dump, which it leaves as it is. The same seeds draw the same speed, gain and noise as the base dump.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAMES, featureValue } from '../../src-main/core/analysis/voice/feature-vector.js';
import { framesOf } from '../../src-main/core/analysis/voice/frames-of.js';
import { LOGMEL_BANDS } from '../../src-main/core/analysis/voice/params.js';
import { type FrameVad, VoiceStream } from '../../src-main/core/analysis/voice/voice-stream.js';
import { decodeAudio16kWhole } from '../../src-main/core/media/audio-decode.js';
import { augment, type AugmentConfig, prng } from './augment.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cfg = JSON.parse(readFileSync(path.join(repo, 'training/voice/config.json'), 'utf8')) as {
  data_dir: string;
  labels: string[];
  train_actors: number[];
  val_actors: number[];
  seed: number;
  dump: { copies: number; logmel_scale: number; aug: AugmentConfig };
  dump_variants?: Record<string, { aug?: Partial<AugmentConfig> }>;
};
const dataDir = path.resolve(repo, 'training/voice', cfg.data_dir);
const outDir = path.join(repo, 'training/voice/out');
const copiesArg = process.argv.indexOf('--copies');
const copies = copiesArg > 0 ? Number(process.argv[copiesArg + 1]) : cfg.dump.copies;
const variantArg = process.argv.indexOf('--variant');
const variant = variantArg > 0 ? process.argv[variantArg + 1] : null;
if (variant !== null && !/^[a-z0-9]+$/.test(variant)) throw new Error('--variant takes a name of lower-case letters and digits');
const variantCfg = variant === null ? {} : cfg.dump_variants?.[variant];
if (!variantCfg) throw new Error(`no dump_variants.${variant} in training/voice/config.json`);
const aug: AugmentConfig = { ...cfg.dump.aug, ...variantCfg.aug };
const prefix = variant === null ? 'ravdess' : `ravdess-${variant}`;

/** The features dump ignores speech detection: every window is treated as speech. */
const allSpeech: FrameVad = { frameSamples: 512, sampleRate: 16000, threshold: 0.5, probs: async (s) => new Float32Array(s.length / 512).fill(1) };

if (!existsSync(dataDir)) {
  console.error(`RAVDESS not found at ${dataDir}; see ../shared/data/README.md`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const frameFile = path.join(outDir, `${prefix}-logmel.i16`);
const fd = openSync(frameFile, 'w');
const index: Array<Record<string, unknown>> = [];
const csv: string[] = [['actor', 'label', 'file', 'copy', 't_ms', ...FEATURE_NAMES].join(',')];
let offset = 0;
const actors = [...cfg.train_actors, ...cfg.val_actors];
const started = Date.now();
for (const actor of actors) {
  const folder = path.join(dataDir, `Actor_${String(actor).padStart(2, '0')}`);
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.wav')).sort()) {
    const label = Number(name.split('-')[2]) - 1;
    const clean = await decodeAudio16kWhole(path.join(folder, name));
    const n = cfg.train_actors.includes(actor) ? copies + 1 : 1;
    // Seed per file and copy, so adding actors or copies does not change the other copies.
    const fileSeed = cfg.seed ^ (actor * 1000003) ^ (label * 7919) ^ Number(name.replace(/\D/g, '').slice(-8));
    const rand = prng(fileSeed);
    const roomRand = prng(fileSeed ^ 0x5eed0);
    for (let copy = 0; copy < n; copy++) {
      const x = copy === 0 ? clean : augment(clean, aug, rand, roomRand);
      const store = framesOf(x);
      const frames = store.count;
      const q = new Int16Array(frames * LOGMEL_BANDS);
      for (let t = 0; t < frames; t++) {
        for (let b = 0; b < LOGMEL_BANDS; b++) {
          q[t * LOGMEL_BANDS + b] = Math.max(-32768, Math.min(32767, Math.round(store.logMel[t * LOGMEL_BANDS + b] * cfg.dump.logmel_scale)));
        }
      }
      writeSync(fd, new Uint8Array(q.buffer));
      index.push({ actor, label, file: name, copy, samples: x.length, frames, offset });
      offset += q.length;
      if (variant !== null) continue; // a variant dumps the log-mel frames only
      const stream = new VoiceStream(allSpeech, null, { coverTail: true });
      const windows = [...(await stream.push(x)), ...(await stream.finish())];
      for (const w of windows) {
        if (!w.features) continue;
        const f = w.features;
        csv.push([actor, label, name, copy, w.tMs, ...FEATURE_NAMES.map((k) => featureValue(f, k) ?? '')].join(','));
      }
    }
  }
  console.log(`actor ${actor} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
closeSync(fd);
writeFileSync(path.join(outDir, `${prefix}-index.json`), JSON.stringify({ bands: LOGMEL_BANDS, scale: cfg.dump.logmel_scale, labels: cfg.labels, aug, clips: index }));
if (variant === null) writeFileSync(path.join(outDir, 'ravdess-windows.csv'), `${csv.join('\n')}\n`);
console.log(`${index.length} clip copies, ${offset / LOGMEL_BANDS} frames -> ${path.relative(repo, outDir)}`);
