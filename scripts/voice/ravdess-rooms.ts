/**
 * Lays out RAVDESS clips of some actors as eval:voice folders, dry and through two rooms of SoX's reverb (a
 * Freeverb-style algorithm, not the generator the training dump uses, so a model is not tested on its own rooms):
 *
 *   OUT/clean/<label>/*.wav   links to the clips
 *   OUT/office/<label>/*.wav  `gain -3 reverb 40 50 40`: a small room, some reverberation
 *   OUT/hall/<label>/*.wav    `gain -3 reverb 80 30 100`: a large reverberant room
 *
 *   npx tsx scripts/voice/ravdess-rooms.ts --actors 17-20 --out /tmp/rav1720
 *
 * Reads ../shared/data/ravdess-speech; writes only under OUT (outside the repository: the data's licence forbids
 * redistribution).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// 3 dB down first: the reverberant tail is added to the dry sound, which would otherwise clip on loud clips.
const ROOMS: Record<string, string[]> = { office: ['gain', '-3', 'reverb', '40', '50', '40'], hall: ['gain', '-3', 'reverb', '80', '30', '100'] };

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cfg = JSON.parse(readFileSync(path.join(repo, 'training/voice/config.json'), 'utf8')) as { data_dir: string; labels: string[] };
const dataDir = path.resolve(repo, 'training/voice', cfg.data_dir);

function option(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error('usage: npx tsx scripts/voice/ravdess-rooms.ts --actors A-B --out DIR');
  return v;
}

const m = /^(\d+)-(\d+)$/.exec(option('--actors'));
if (!m || Number(m[1]) < 1 || Number(m[2]) > 24 || Number(m[1]) > Number(m[2])) throw new Error('--actors takes a range such as 17-20 (actors 1 to 24)');
const out = path.resolve(option('--out'));
if (out.startsWith(repo + path.sep)) throw new Error('--out must be outside the repository (RAVDESS may not be redistributed)');
if (!existsSync(dataDir)) throw new Error(`RAVDESS not found at ${dataDir}; see ../shared/data/README.md`);

// SoX creates its files with the process umask: research copies of the corpus are the user's alone (0600), like the folders.
process.umask(0o077);
let n = 0;
for (let actor = Number(m[1]); actor <= Number(m[2]); actor++) {
  const folder = path.join(dataDir, `Actor_${String(actor).padStart(2, '0')}`);
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.wav')).sort()) {
    const label = cfg.labels[Number(name.split('-')[2]) - 1];
    const src = path.join(folder, name);
    for (const room of ['clean', ...Object.keys(ROOMS)]) mkdirSync(path.join(out, room, label), { recursive: true, mode: 0o700 });
    const dry = path.join(out, 'clean', label, name);
    if (!existsSync(dry)) symlinkSync(src, dry);
    // -R: SoX dithers the 16-bit output with a clock-seeded generator otherwise, so two layouts differed and so did their scores.
    for (const [room, effect] of Object.entries(ROOMS)) execFileSync('sox', ['-V1', '-R', src, path.join(out, room, label, name), ...effect]);
    n++;
  }
}
console.log(`${n} clips -> ${out}/{clean,${Object.keys(ROOMS).join(',')}}`);
