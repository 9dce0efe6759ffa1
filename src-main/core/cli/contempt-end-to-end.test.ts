import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { runCli } from '../cli.js';
import { modelsDir } from '../inference/manifest.js';
import { faceSpeechClip } from '../test-support/face-speech-clip.js';
import { tempDir } from '../test-support/make-media.js';

const FERPLUS_ID = 'face-emotion-ferplus-cnn';
const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

let clip: { file: string } | { skip: string };
const savedModelsDir = process.env.AFFECT_MODELS_DIR;

beforeAll(async () => {
  // A models folder where the FER+ CNN (eight classes, with contempt) is the default face model: the repo's files
  // linked, its manifest with the default switched. The shipped default has no contempt, so the CLI test cannot see it.
  const repoModels = modelsDir();
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(repoModels)) if (f !== 'manifest.json') symlinkSync(path.join(repoModels, f), path.join(dir, f));
  const manifest = JSON.parse(readFileSync(path.join(repoModels, 'manifest.json'), 'utf8')) as { models: Array<{ id: string; task: string; default: boolean }> };
  for (const m of manifest.models) if (m.task === 'face-emotion') m.default = m.id === FERPLUS_ID;
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  process.env.AFFECT_MODELS_DIR = dir;
  clip = await faceSpeechClip(6);
}, 120_000);
afterAll(() => {
  if (savedModelsDir === undefined) delete process.env.AFFECT_MODELS_DIR;
  else process.env.AFFECT_MODELS_DIR = savedModelsDir;
});

describe('contempt end to end (a face model that gives it)', () => {
  it('analyses a clip with the FER+ CNN: face_p_contempt and fused_p_contempt have values, the eight sum to 1, the summary has contempt', async (ctx) => {
    if ('skip' in clip) return ctx.skip(clip.skip);
    const dataDir = tempDir();
    const outDir = tempDir();
    const op = ['--operator', 'RA Lab'];
    const noop = { out: () => {}, err: () => {} };
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], noop)).toBe(0);
    expect(await runCli(['participants', 'add', 'imports', '--consent', 'video,audio,analysis,research', '--data-dir', dataDir, ...op], noop)).toBe(0);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['analyze', clip.file, '--participant', 'imports', '--out', outDir, '--data-dir', dataDir, '--provider', 'cpu', ...op], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code, err.join('\n')).toBe(0);
    const [, , , , timelineFile, summaryFile] = out[0].split('\t');

    const timeline = csv(timelineFile);
    const withFace = timeline.filter((r) => r.face_present === '1');
    expect(withFace.length).toBeGreaterThan(timeline.length * 0.8);
    for (const r of withFace) {
      const faceSum = EMOTIONS.reduce((a, e) => a + Number(r[`face_p_${e}`]), 0);
      expect(r.face_p_contempt).not.toBe('');
      expect(Number(r.face_p_contempt)).toBeGreaterThanOrEqual(0);
      expect(faceSum).toBeCloseTo(1, 3);
    }
    // Where the face contributed, the fused estimate has contempt too (the voice model lacks it; the face decides it).
    const fusedWithFace = timeline.filter((r) => r.modalities.includes('face'));
    expect(fusedWithFace.length).toBeGreaterThan(0);
    for (const r of fusedWithFace) {
      expect(r.fused_p_contempt).not.toBe('');
      expect(EMOTIONS.reduce((a, e) => a + Number(r[`fused_p_${e}`]), 0)).toBeCloseTo(1, 3);
    }
    for (const r of timeline.filter((r) => r.modalities === 'voice' || r.modalities === 'none')) expect(r.fused_p_contempt).toBe('');

    const summary = csv(summaryFile);
    expect(summary.map((r) => r.emotion)).toContain('contempt');
    expect(summary[0].models).toContain(`${FERPLUS_ID}@`);
  }, 300_000);
});
