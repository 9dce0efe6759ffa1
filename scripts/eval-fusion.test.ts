import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../src-main/core/test-support/make-media.js';
import { sharedDataFile } from '../src-main/core/test-support/shared-data.js';

const FER_VAL = sharedDataFile('fer2013', 'val');
const RAVDESS = sharedDataFile('ravdess-speech', 'Actor_17');

describe('npm run eval:fusion', () => {
  it.skipIf(!FER_VAL || !RAVDESS)('pairs each voice clip with faces of its class, fuses them through the app and ends with the summary line (needs ../shared/data)', async () => {
    const dir = tempDir('eval-fusion-');
    // Research files are copied to a temporary folder for this run only: 2 happy and 2 angry clips of one actor
    // (RAVDESS emotion 03 and 05), 1 calm clip (02, not a shared class), and 4 faces of each class.
    const voices = path.join(dir, 'ravdess', 'Actor_17');
    mkdirSync(voices, { recursive: true });
    const clips = readdirSync(RAVDESS!).sort();
    for (const code of ['03', '05']) for (const f of clips.filter((c) => c.split('-')[2] === code).slice(0, 2)) copyFileSync(path.join(RAVDESS!, f), path.join(voices, f));
    copyFileSync(path.join(RAVDESS!, clips.find((c) => c.split('-')[2] === '02')!), path.join(voices, clips.find((c) => c.split('-')[2] === '02')!));
    for (const label of ['happy', 'angry']) {
      mkdirSync(path.join(dir, 'faces', label), { recursive: true });
      for (const f of readdirSync(path.join(FER_VAL!, label)).sort().slice(0, 4)) copyFileSync(path.join(FER_VAL!, label, f), path.join(dir, 'faces', label, f));
    }
    const run = async (...extra: string[]) =>
      (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval-fusion.ts', '--faces', path.join(dir, 'faces'), '--voices', path.join(dir, 'ravdess'), ...extra], { cwd: path.resolve('.'), maxBuffer: 1 << 24 }))
        .stdout.trim()
        .split('\n');
    const lines = await run('--pairs', '2', '--seed', '3');
    const last = lines[lines.length - 1];
    // 4 clips of the shared classes (the calm one is left out) × 2 faces each.
    expect(last).toMatch(/^face_accuracy=[01]\.\d{4} voice_accuracy=[01]\.\d{4} fused_accuracy=[01]\.\d{4} n=8$/);
    expect(lines.join('\n')).toContain('4 voice clips × 2 face(s) = 8 pairs, seed 3');
    // The same seed gives the same pairs and figures.
    expect((await run('--pairs', '2', '--seed', '3')).pop()).toBe(last);
    // --fit searches the weights on these pairs and writes them.
    const fit = path.join(dir, 'fit.json');
    const fitted = await run('--fit', fit);
    const w = JSON.parse(readFileSync(fit, 'utf8')) as { rule: string; faceWeight: number; voiceWeight: number; n: number };
    expect(w.rule).toBe('log-linear');
    expect(w.n).toBe(4);
    expect(w.faceWeight + w.voiceWeight).toBeGreaterThan(0);
    expect(fitted.join('\n')).toContain(`faceWeight ${w.faceWeight.toFixed(2)}`);
    await expect(run('--pairs', '5')).rejects.toThrow(/Fewer than 5 face image\(s\) for: happy, angry|Fewer than 5 face image\(s\) for: angry, happy/);
  });
});
