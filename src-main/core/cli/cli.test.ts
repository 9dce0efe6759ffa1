import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { createCore } from '../app-core.js';
import { runCli } from '../cli.js';
import { acquireDataLock } from '../config/data-lock.js';
import { defaultModelFor, loadManifest } from '../inference/manifest.js';
import { faceSpeechClip } from '../test-support/face-speech-clip.js';
import { tempDir } from '../test-support/make-media.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** An unencrypted data folder, as before encryption existed (the CLI's encrypted folders: encrypted-cli.test.ts). */
async function clearFolder(): Promise<string> {
  const dir = tempDir();
  await (await createCore({ dataDir: dir })).close();
  return dir;
}

const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

let clip: { file: string } | { skip: string };
beforeAll(async () => {
  clip = await faceSpeechClip(6);
}, 120_000);

describe('affect CLI', () => {
  it('answers usage errors with exit code 2 and the usage text', async () => {
    for (const args of [
      ['analyze'],
      ['analyze', 'x.mp4', '--participant', 'P1', '--provider', 'tpu'],
      ['analyze', 'x.mp4'],
      ['export', '1'],
      ['export', '--all', '3', '--out', 'x'],
      ['analyze', '--bogus', 'x'],
      ['participants', 'add', 'P1'],
      ['participants', 'add', 'P1', '--consent', 'video,telepathy'],
      ['participants', 'add', 'Jane Doe', '--consent', 'video'],
      ['participants', 'add', 'P1', '--consent', 'video', '--retain-until', '31.12.2030'],
      ['export', '1', '--out', 'x', '--key-file', 'k.csv'],
      ['audit', 'export'],
      ['operators', 'add', 'X', '--role', 'boss'],
    ]) {
      const c = capture();
      expect(await runCli(args, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(/Exit codes:/);
    }
  });

  it('exits with 3 when another Affect Studio holds the data folder', async () => {
    const dataDir = await clearFolder();
    // Held for real (an OS-level lock), as a running app holds it; a PID in a file alone locks nobody out.
    const release = acquireDataLock(dataDir);
    try {
      const c = capture();
      expect(await runCli(['export', '--all', '--out', tempDir(), '--data-dir', dataDir], c.io)).toBe(3);
      expect(c.err.join('\n')).toMatch(/already using the data folder .* use --data-dir/);
    } finally {
      release();
    }
  });

  it('records operators and participants with consent taken outside the app, and refuses analysis without it', async () => {
    const dataDir = await clearFolder();
    const at = ['--data-dir', dataDir];
    const c = capture();
    // No profile yet: commands that change data say how to make one.
    expect(await runCli(['participants', 'add', 'P-1', '--consent', 'video,audio', ...at], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/affect operators add NAME --role/);
    expect(await runCli(['operators', 'add', 'Study Coordinator', '--role', 'researcher', ...at], c.io)).toBe(0);
    const op = ['--operator', 'study coordinator'];
    expect(await runCli(['participants', 'add', 'P-1', '--consent', 'video,audio', '--retain-until', '2030-12-31', '--form', 'ICF 3', ...at, ...op], c.io)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-2', '--consent', 'video,audio,analysis,research', ...at, ...op], c.io)).toBe(0);
    expect(await runCli(['participants', 'withdraw', 'P-2', '--date', '2026-05-01', ...at, ...op], c.io)).toBe(0);
    const list = capture();
    expect(await runCli(['participants', ...at], list.io)).toBe(0);
    expect(list.out).toEqual(['1\tP-1\tconsent-given\tvideo,audio\t1\t2030-12-31\t0', '2\tP-2\tconsent-withdrawn\t-\t2\t\t0']);
    const refused = capture();
    expect(await runCli(['analyze', 'clip.mp4', '--participant', 'P-1', ...at, ...op], refused.io)).toBe(1);
    expect(refused.err.join('\n')).toMatch(/Cannot analyse clips: participant P-1 has no consent for automated analysis and research use of exported data/);
    expect(await runCli(['analyze', 'clip.mp4', '--participant', 'P-9', ...at, ...op], refused.io)).toBe(1);
    expect(refused.err.at(-1)).toMatch(/there is no participant P-9/);
    const audit = capture();
    expect(await runCli(['audit', 'verify', ...at, ...op], audit.io)).toBe(0);
    expect(audit.out[0]).toMatch(/^ok\t\d+ entries\t[0-9a-f]{64}$/);
  });

  it('creates its participant through the same request as the app, and leaves no session for a clip it cannot import', async () => {
    const dataDir = await clearFolder();
    const bad = path.join(tempDir(), 'broken.mov');
    writeFileSync(bad, 'not a movie');
    const setup = capture();
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir], setup.io)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-77', '--consent', 'video,audio,analysis,research', '--data-dir', dataDir, '--operator', 'RA Lab'], setup.io)).toBe(0);
    const c = capture();
    expect(await runCli(['analyze', bad, '--participant', 'P-77', '--data-dir', dataDir, '--out', tempDir(), '--operator', 'RA Lab'], c.io)).toBe(1);
    expect(c.out[0].split('\t').slice(0, 3)).toEqual(['failed', bad, '']);
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const audit = db.prepare('SELECT operator_id AS operatorId, action, object, object_id AS objectId FROM audit_log ORDER BY id').all();
    const sessions = db.prepare('SELECT COUNT(*) AS n FROM session').get() as { n: number };
    db.close();
    expect(audit).toEqual([
      { operatorId: 1, action: 'operator.create', object: 'operator', objectId: 1 },
      { operatorId: 1, action: 'participant.create', object: 'participant', objectId: 1 },
      { operatorId: 1, action: 'consent.record', object: 'consent_record', objectId: 1 },
    ]);
    expect(sessions.n).toBe(0);
    // A participant code the contract refuses is a usage error.
    const u = capture();
    expect(await runCli(['analyze', bad, '--participant', 'Jane Doe', '--data-dir', dataDir], u.io)).toBe(2);
    expect(u.err.join('\n')).toMatch(/"Jane Doe": .*code/i);
  });

  it('analyses a clip with the real models end to end and writes both CSVs; a bad clip fails alone (exit 1)', async (ctx) => {
    if ('skip' in clip) return ctx.skip(clip.skip);
    const dataDir = await clearFolder();
    const outDir = tempDir();
    const bad = path.join(tempDir(), 'broken.mov');
    writeFileSync(bad, 'not a movie');
    const c = capture();
    const op = ['--operator', 'RA Lab'];
    const setup = capture();
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir], setup.io)).toBe(0);
    expect(await runCli(['participants', 'add', 'imports', '--consent', 'video,audio,analysis,research', '--data-dir', dataDir, ...op], setup.io)).toBe(0);
    const code = await runCli(['analyze', clip.file, bad, '--participant', 'imports', '--out', outDir, '--data-dir', dataDir, '--provider', 'cpu', ...op], c.io);
    expect(code, c.err.join('\n')).toBe(1);
    const lines = c.out.map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(['ok', 'failed']);
    expect(lines[1][6]).toMatch(/broken\.mov: Cannot read media file/);
    const [, , sessionId, runId, timelineFile, summaryFile] = lines[0];

    const timeline = csv(timelineFile);
    expect(timeline.length).toBeGreaterThanOrEqual(59);
    expect(timeline.length).toBeLessThanOrEqual(61);
    expect(new Set(timeline.map((r) => r.run_id))).toEqual(new Set([runId]));
    // franck.mp4 shows one face throughout; speech starts after 1.5 s of silence.
    const withFace = timeline.filter((r) => r.face_present === '1').length / timeline.length;
    expect(withFace).toBeGreaterThan(0.8);
    const meanSpeechProb = (rows: Record<string, string>[]) => rows.reduce((a, r) => a + Number(r.speech_prob), 0) / rows.length;
    const early = meanSpeechProb(timeline.filter((r) => Number(r.t_ms) < 1000));
    const late = meanSpeechProb(timeline.filter((r) => Number(r.t_ms) >= 2500));
    expect(late).toBeGreaterThan(0.6);
    expect(early).toBeLessThan(late - 0.3);
    expect(timeline.some((r) => r.speech === '1' && Number(r.t_ms) > 2500)).toBe(true);
    for (const r of timeline) {
      if (r.dominant === 'no estimate') {
        expect(r.fused_p_neutral).toBe('');
        expect(r.modalities).toBe('none');
      } else {
        const sum = EMOTIONS.reduce((a, e) => a + Number(r[`fused_p_${e}`]), 0);
        expect(sum).toBeCloseTo(1, 4);
        expect(EMOTIONS).toContain(r.dominant);
        expect(Number(r.face_weight) + Number(r.voice_weight)).toBeCloseTo(1, 5);
      }
    }
    // Contempt came after the first release's columns (right after the fusion weights, before the face geometry
    // columns); empty where no model gives it.
    const cols = Object.keys(timeline[0]);
    const at = cols.indexOf('voice_weight');
    expect(cols.slice(at + 1, at + 3)).toEqual(['face_p_contempt', 'fused_p_contempt']);
    const faceModel = defaultModelFor(loadManifest(), 'face-emotion');
    const faceHasContempt = (faceModel.labels ?? []).includes('contempt');
    for (const r of timeline) {
      if (r.face_present === '1') expect(r.face_p_contempt === '').toBe(!faceHasContempt);
      else expect(r.face_p_contempt).toBe('');
      // The voice model has no contempt: a step fused from the voice alone has none either.
      if (r.modalities === 'voice' || r.modalities === 'none' || !faceHasContempt) expect(r.fused_p_contempt).toBe('');
      else expect(Number(r.fused_p_contempt)).toBeGreaterThanOrEqual(0);
    }
    const summary = csv(summaryFile);
    expect(summary).toHaveLength(EMOTIONS.length);
    expect(summary[0]).toMatchObject({ session_id: sessionId, run_id: runId, participant: 'imports', run_status: 'complete', provider: 'cpu' });
    // The run names the manifest's default face model with its checksum.
    const face = defaultModelFor(loadManifest(), 'face-emotion');
    expect(summary[0].models).toContain(`${face.id}@${face.sha256}`);
    expect(summary[0].models).toMatch(/silero-vad-v5@[0-9a-f]{64}/);
    expect(Number(summary[0].coverage_face_present)).toBeCloseTo(withFace, 5);
    expect(Number(summary[0].analysed_s)).toBeCloseTo(timeline.length / 10, 5);

    // Every step went through the contract and is in the audit trail, as from the app.
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const actions = (db.prepare('SELECT action FROM audit_log WHERE operator_id = 1 ORDER BY id').all() as { action: string }[]).map((r) => r.action);
    db.close();
    // The bad clip was refused before a session was made for it.
    expect(actions).toEqual(['operator.create', 'participant.create', 'consent.record', 'session.create', 'media.import', 'analysis.start', 'export.sessions']);

    // export --all: the analysed session.
    const out2 = tempDir();
    const e = capture();
    expect(await runCli(['export', '--all', '--out', out2, '--data-dir', dataDir, ...op], e.io)).toBe(0);
    expect(e.out.filter((l) => l.startsWith('ok\t'))).toHaveLength(1);
    const combined = csv(path.join(out2, 'sessions_summary.csv'));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ session_id: sessionId, run_id: runId });
    expect(readFileSync(path.join(out2, path.basename(timelineFile)), 'utf8')).toBe(readFileSync(timelineFile, 'utf8'));
    // Naming a session without a run (here: none at all) is a failure a script can see.
    const f = capture();
    expect(await runCli(['export', String(Number(sessionId) + 1), '--out', out2, '--data-dir', dataDir, ...op], f.io)).toBe(1);
    expect(f.out[0]).toMatch(/^failed\t/);
  }, 180_000);
});
