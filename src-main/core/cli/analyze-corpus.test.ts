// `affect analyze` on the clip types a corpus holds: an FLV (VP6 video + MP3) gets a playable copy and is
// analysed, a WAV is analysed by voice alone and plays as it is; --model picks a model other than the default.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { runFfmpeg } from '../media/ffmpeg.js';
import { tempDir } from '../test-support/make-media.js';
import { makeVp6Flv } from '../test-support/vp6-flv.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const src = tempDir();
const flv = path.join(src, 'old recording.flv');
const wav = path.join(src, 'interview.wav');
const dataDir = tempDir();
const at = ['--data-dir', dataDir, '--operator', 'RA'];

beforeAll(async () => {
  const speech = path.join(src, 'speech.wav');
  execFileSync('espeak-ng', ['-w', speech, '-s', '150', 'This recording is from an old study. It was stored as Flash video.']);
  // Flash video as old corpora hold it: On2 VP6 with MP3 sound (ffmpeg decodes VP6 but cannot encode it).
  await makeVp6Flv(flv, { seconds: 3, fps: 25, width: 320, height: 240, audio: speech });
  await runFfmpeg(['-y', '-i', speech, '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', wav]);
  const c = capture();
  expect(await runCli(['operators', 'add', 'RA', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], c.io)).toBe(0);
  expect(await runCli(['participants', 'add', 'OLD-1', '--consent', 'video,audio,analysis,research', ...at], c.io)).toBe(0);
}, 60_000);

describe('affect analyze on a corpus', () => {
  it('analyses an FLV and a WAV, leaving a playable copy only where the original does not play', async () => {
    const out = tempDir();
    const c = capture();
    expect(await runCli(['analyze', flv, wav, '--participant', 'OLD-1', '--out', out, '--model', 'face-emotion-minixception', ...at], c.io)).toBe(0);
    const lines = c.out.map((l) => l.split('\t'));
    expect(lines.map((l) => [l[0], l[1]])).toEqual([
      ['ok', flv],
      ['ok', wav],
    ]);
    expect(c.err.join('\n')).toMatch(/flv with vp6f video and mp3 audio does not play in the app; made a playable copy \(clip-[0-9a-f]{16}\.playable\.webm\)/);
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const media = db.prepare('SELECT session_id AS s, file_name AS f, playable AS p, derived_from AS d FROM media_file ORDER BY id').all() as Array<{ s: number; f: string; p: number; d: number | null }>;
    db.close();
    const [flvSession, wavSession] = [Number(lines[0][2]), Number(lines[1][2])];
    expect(media.filter((m) => m.s === flvSession).map((m) => [m.p, m.d !== null])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(media.filter((m) => m.s === wavSession).map((m) => m.p)).toEqual([1]);
    for (const m of media) expect(existsSync(path.join(dataDir, 'sessions', String(m.s), m.f))).toBe(true);
    // The FLV was analysed with the chosen face model, the WAV by voice alone.
    const summary = (file: string) => (parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>)[0];
    const flvSummary = summary(lines[0][5]);
    expect(flvSummary.models).toMatch(/face-emotion-minixception@[0-9a-f]{64}/);
    expect(flvSummary.media_file).toMatch(/\.flv$/);
    const wavSummary = summary(lines[1][5]);
    expect(wavSummary.models).not.toMatch(/face-/);
    expect(Number(wavSummary.coverage_speech)).toBeGreaterThan(0.3);
    const timeline = parse(readFileSync(lines[1][4], 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(new Set(timeline.map((r) => r.face_present))).toEqual(new Set(['0']));
  }, 300_000);

  it('refuses an unknown model or two for one task as a usage error, before touching the data folder', async () => {
    for (const models of [['no-such-model'], ['face-emotion-minixception', 'face-emotion-fer-cnn']]) {
      const c = capture();
      expect(await runCli(['analyze', wav, '--participant', 'OLD-1', ...models.flatMap((m) => ['--model', m]), ...at], c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(models.length === 1 ? /--model: There is no model "no-such-model"/ : /are both face-emotion models; choose one/);
    }
  });
});
