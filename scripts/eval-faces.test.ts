import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src-main/core/media/ffmpeg.js';
import { tempDir } from '../src-main/core/test-support/make-media.js';
import { sharedDataFile } from '../src-main/core/test-support/shared-data.js';

const FER_VAL = sharedDataFile('fer2013', 'val');
const CKPLUS = sharedDataFile('video', 'face-frown-ckplus.avi');

describe('npm run eval:faces', () => {
  it.skipIf(!FER_VAL || !CKPLUS)('scores crops and large images, counts an image without a face as wrong, ends with the summary line (needs ../shared/data)', async () => {
    const dir = tempDir('eval-faces-');
    // Research images are copied to a temporary folder for this run only.
    for (const label of ['happy', 'surprise']) {
      mkdirSync(path.join(dir, label));
      for (const f of readdirSync(path.join(FER_VAL!, label)).sort().slice(0, 10)) copyFileSync(path.join(FER_VAL!, label, f), path.join(dir, label, f));
    }
    mkdirSync(path.join(dir, 'neutral'));
    mkdirSync(path.join(dir, 'contempt'));
    await runFfmpeg(['-y', '-i', CKPLUS!, '-frames:v', '1', path.join(dir, 'neutral', 'ck-first-frame.png')]);
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=200x200', '-frames:v', '1', path.join(dir, 'contempt', 'pattern.jpg')]);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval-faces.ts', dir], { cwd: path.resolve('.'), maxBuffer: 1 << 24 });
    const lines = stdout.trim().split('\n');
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^accuracy=0\.\d{4} macro_f1=0\.\d{4} n=22 no_face=1$/);
    expect(stdout).toContain('20 face crops');
    expect(stdout).toContain('2 images through detection');
    // The CK+ first frame is a neutral face the pipeline finds and classifies as neutral.
    const neutralRow = lines.find((l) => l.startsWith('neutral '))!;
    expect(neutralRow.trim().split(/\s+/).slice(1, 2)).toEqual(['1']);
    const acc = Number(/accuracy=(0\.\d+)/.exec(last)![1]);
    expect(acc).toBeGreaterThan(0.5);
  });
});
