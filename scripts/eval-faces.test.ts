import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src-main/core/media/ffmpeg.js';
import { tempDir } from '../src-main/core/test-support/make-media.js';
import { sharedDataFile } from '../src-main/core/test-support/shared-data.js';

const FER_VAL = sharedDataFile('fer2013', 'val');
const FERPLUS = sharedDataFile('ferplus', 'labels.csv');
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

  it.skipIf(!FERPLUS)('--labels ferplus scores DIR/labels.csv against the FER+ majority or the FER2013 label, PublicTest by default, and can drop copies of Training images (needs ../shared/data)', async () => {
    const dir = tempDir('eval-faces-ferplus-');
    const src = path.dirname(FERPLUS!);
    const lines = readFileSync(FERPLUS!, 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const col = (name: string) => head.indexOf(name);
    const rows = lines.slice(1).map((l) => l.split(','));
    // 12 PublicTest rows with a FER+ majority and a FER2013 label, one PublicTest row without a majority, 3 Training
    // rows; then a copy of the first Training image as a PublicTest row (a train/test duplicate).
    const test = rows.filter((r) => r[col('usage')] === 'PublicTest' && r[col('file')] && r[col('ferplus_majority')] && r[col('fer2013_label')]).slice(0, 12);
    const noMajority = rows.find((r) => r[col('usage')] === 'PublicTest' && r[col('file')] && !r[col('ferplus_majority')])!;
    const train = rows.filter((r) => r[col('usage')] === 'Training' && r[col('file')] && r[col('ferplus_majority')]).slice(0, 3);
    mkdirSync(path.join(dir, 'img'));
    const out = [lines[0]];
    const add = (r: string[], usage: string, name: string) => {
      // Research images are copied to a temporary folder for this run only.
      copyFileSync(path.join(src, r[col('file')]), path.join(dir, 'img', name));
      const c = r.slice();
      c[col('file')] = `img/${name}`;
      c[col('usage')] = usage;
      out.push(c.join(','));
    };
    test.forEach((r, i) => add(r, 'PublicTest', `t${i}.png`));
    add(noMajority, 'PublicTest', 'nomaj.png');
    train.forEach((r, i) => add(r, 'Training', `tr${i}.png`));
    add(train[0], 'PublicTest', 'dup.png');
    writeFileSync(path.join(dir, 'labels.csv'), `${out.join('\n')}\n`);
    const run = async (...extra: string[]) => (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval-faces.ts', dir, '--labels', 'ferplus', ...extra], { cwd: path.resolve('.'), maxBuffer: 1 << 24 })).stdout.trim().split('\n');
    const all = await run();
    expect(all[all.length - 1]).toMatch(/^accuracy=[01]\.\d{4} macro_f1=[01]\.\d{4} n=13 no_face=0$/);
    expect(all.join('\n')).toContain('skipped 1 without that label');
    const dedup = await run('--no-duplicates');
    expect(dedup[dedup.length - 1]).toMatch(/ n=12 no_face=0$/);
    expect(dedup.join('\n')).toContain('1 identical to an image of another usage');
    const training = await run('--usage', 'Training', '--truth', 'fer2013');
    expect(training[training.length - 1]).toMatch(/ n=3 no_face=0$/);
    await expect(run('--usage', 'PrivateTest')).rejects.toThrow(/no rows with usage "PrivateTest"/);
  });
});
