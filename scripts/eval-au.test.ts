import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src-main/core/media/ffmpeg.js';
import { tempDir } from '../src-main/core/test-support/make-media.js';
import { sharedDataFile } from '../src-main/core/test-support/shared-data.js';

const FER_VAL = sharedDataFile('fer2013', 'val');

describe('npm run eval:au', () => {
  it.skipIf(!FER_VAL)('prints per-class AU means and ends with the AUC line; an image without a face is counted (needs ../shared/data)', async () => {
    const dir = tempDir('eval-au-');
    // Research images are copied to a temporary folder for this run only.
    for (const label of ['happy', 'neutral', 'surprise', 'angry']) {
      mkdirSync(path.join(dir, label));
      for (const f of readdirSync(path.join(FER_VAL!, label)).sort().slice(0, 12)) copyFileSync(path.join(FER_VAL!, label, f), path.join(dir, label, f));
    }
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=200x200', '-frames:v', '1', path.join(dir, 'angry', 'pattern.jpg')]);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval-au.ts', dir], { cwd: path.resolve('.'), maxBuffer: 1 << 24 });
    const lines = stdout.trim().split('\n');
    const last = lines[lines.length - 1];
    const m = /^au12_happy_auc=(\S+) au4_angry_auc=(\S+) au1_2_surprise_auc=(\S+) au26_surprise_auc=(\S+) n=49 no_face=(\d+)$/.exec(last);
    expect(m, last).not.toBeNull();
    expect(Number(m![5])).toBeGreaterThanOrEqual(1);
    // Even on 12 faces a class, smiles separate clearly by AU6/12.
    expect(Number(m![1])).toBeGreaterThan(0.75);
    expect(stdout).toMatch(/^happy\s+\d+(\s+\d\.\d{3}){8}$/m);
  });
});
