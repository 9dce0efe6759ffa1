/**
 * Storage and export of one hour of session data on this machine: 30 fps face observations, voice windows
 * every 0.5 s (2 Hz) and the 10 Hz fused timeline (~150k rows) stored through the app's repositories in their
 * batched transactions; then `<session>_timeline.csv` exported, with its time and the process's peak RSS
 * growth while exporting (sampled every 20 ms). Prints figures; asserts nothing.
 *
 *   npx tsx scripts/bench/store-export.ts [--minutes M] [--batch FRAMES] [--encrypted [--cipher aegis-256|sqlcipher-4]]
 *
 * --encrypted stores into an encrypted database (a random key; the scheme of new data folders unless --cipher
 * names another), as an encrypted data folder does; scripts/bench/encryption.ts runs both kinds side by side.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FrameFaces } from '../../src-shared/contract/face.js';
import type { VoiceWindowResult } from '../../src-shared/contract/voice.js';
import { DEFAULT_ANALYSIS_PARAMS } from '../../src-shared/analysis.js';
import { DATABASE_CIPHERS, type DatabaseCipher, DEFAULT_DATABASE_CIPHER } from '../../src-main/core/store/database-cipher.js';
import { EMOTIONS } from '../../src-shared/emotions.js';
import { RunRecorder } from '../../src-main/core/analysis/run-recorder.js';
import { writeTimelineCsv } from '../../src-main/core/export/session-export.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { FaceObsRepo } from '../../src-main/core/store/face-obs-repo.js';
import { ParticipantsRepo } from '../../src-main/core/store/participants-repo.js';
import { SessionsRepo } from '../../src-main/core/store/sessions-repo.js';
import { VoiceObsRepo } from '../../src-main/core/store/voice-obs-repo.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';

const argv = process.argv.slice(2);
const minutes = argv.includes('--minutes') ? Number(argv[argv.indexOf('--minutes') + 1]) : 60;
const durationMs = minutes * 60_000;
/** Frames per transaction; 240 is what an offline run commits at a time (analysis/face/face-modality.ts). */
const batchFrames = argv.includes('--batch') ? Number(argv[argv.indexOf('--batch') + 1]) : 240;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Deterministic, varied probabilities (a slow drift between classes, like a real session). */
function probs(t: number, phase: number): number[] {
  const raw = EMOTIONS.map((_, i) => 1 + Math.sin(t / 7000 + i * 1.3 + phase));
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
}

function frame(i: number): FrameFaces {
  const tMs = (i * 1000) / 30;
  // A face in 90% of frames (the participant looks away now and then); 10% of those fail a quality check.
  const present = i % 100 < 90;
  const reliable = i % 10 !== 3;
  return {
    tMs,
    width: 640,
    height: 480,
    faces: present
      ? [
          {
            trackId: 1 + Math.floor(i / 9000),
            participant: true,
            box: { x: 200 + (i % 20), y: 120, w: 180, h: 210 },
            quality: { detScore: 0.9, sizePx: 210, rollDeg: 3, sharpness: 150, reliable, reasons: reliable ? [] : ['sharpness'] },
            probs: probs(tMs, 0),
            dominant: 'neutral',
          },
        ]
      : [],
  };
}

function window(i: number): VoiceWindowResult {
  const tMs = i * 500;
  const speech = i % 5 !== 0;
  return {
    tMs,
    durMs: 2000,
    speech,
    speechProb: speech ? 0.9 : 0.1,
    speechRatio: speech ? 0.8 : 0.05,
    features: {
      f0MeanHz: 180, f0SdSemitones: 2, f0RangeSemitones: 8, loudnessMean: 1.2, loudnessSd: 0.3, jitterLocal: 0.01, shimmerLocalDb: 0.4, hnrDb: 12,
      alphaRatioDb: -8, hammarbergDb: 20, slope0to500: 0.01, slope500to1500: -0.01,
      mfccMean: new Array<number>(13).fill(1.5), mfccSd: new Array<number>(13).fill(0.5), voicedRatio: 0.6, voicedSegmentsPerSec: 3,
    },
    emotion: speech ? { modelId: 'bench', probs: probs(tMs, 1), calm: 0.05, valence: 0.1, arousal: 0.2 } : null,
    trace: null,
  };
}

function parseCipher(v: string | undefined): DatabaseCipher {
  if (!DATABASE_CIPHERS.includes(v as DatabaseCipher)) throw new Error(`--cipher takes ${DATABASE_CIPHERS.join(' or ')}`);
  return v as DatabaseCipher;
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const dir = tempDir('affect-bench-');
  const encrypted = argv.includes('--encrypted');
  const cipher = parseCipher(argv.includes('--cipher') ? argv[argv.indexOf('--cipher') + 1] : DEFAULT_DATABASE_CIPHER);
  const db = openDatabase(path.join(dir, 'affect-studio.sqlite'), undefined, { key: encrypted ? { cipher, key: randomBytes(32) } : null });
  const sessions = new SessionsRepo(db);
  const p = new ParticipantsRepo(db).create('BENCH');
  const s = sessions.create({ participantId: p.id, protocol: 'bench', operatorId: null, note: '' });
  const media = sessions.addMedia({ sessionId: s.id, kind: 'recording', fileName: 'recording.webm', mimeType: 'video/webm', bytes: 0, durationMs, hasVideo: true, hasAudio: true });
  const recorder = new RunRecorder(db, 'bench');
  const { runs, fused, episodes } = recorder;
  const run = recorder.open({ sessionId: s.id, mediaFileId: media.id, mode: 'offline', params: DEFAULT_ANALYSIS_PARAMS, mediaDurationMs: durationMs });
  const faces = new FaceObsRepo(db);
  const voices = new VoiceObsRepo(db);
  console.log(`${minutes} min session in ${dir} (${encrypted ? `encrypted database, ${cipher}` : 'clear database'}); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);

  const nFrames = Math.round((durationMs * 30) / 1000);
  // CPU time of this process (SQLite works on this thread): less swayed by other work on the machine than wall time.
  const cpuS = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1e6;
  };
  const storeCpu0 = process.cpuUsage();
  let t0 = performance.now();
  let faceObs = 0;
  for (let i = 0; i < nFrames; i += batchFrames) {
    const batch = Array.from({ length: Math.min(batchFrames, nFrames - i) }, (_, k) => frame(i + k));
    faceObs += faces.insertFrames(run.id, batch);
  }
  const faceS = (performance.now() - t0) / 1000;
  console.log(`face: ${nFrames} frames, ${faceObs} observations (+${nFrames} face_frame rows) in ${faceS.toFixed(2)} s, batches of ${batchFrames} frames`);

  const nWin = Math.floor((durationMs - 2000) / 500) + 1;
  t0 = performance.now();
  for (let i = 0; i < nWin; i += 64) voices.insert(run.id, Array.from({ length: Math.min(64, nWin - i) }, (_, k) => window(i + k)));
  const voiceS = (performance.now() - t0) / 1000;
  console.log(`voice: ${nWin} windows in ${voiceS.toFixed(2)} s, batches of 64 windows`);

  t0 = performance.now();
  const f = recorder.fuse(run.id, durationMs)!;
  const fuseS = (performance.now() - t0) / 1000;
  console.log(`fusion: ${f.rows} fused rows + ${f.episodes.length} episodes in ${fuseS.toFixed(2)} s (reads the observations back, aligns, fuses, smooths, stores)`);

  const storeCpuS = cpuS(storeCpu0);
  const rows = faceObs + nWin + f.rows;
  const total = faceS + voiceS + fuseS;
  console.log(`stored ${rows} rows (face_obs + voice_obs + fused) in ${total.toFixed(2)} s: ${(rows / total).toFixed(0)} rows/s (target ≥ 50000)`);
  console.log(`  counting face_frame rows too: ${((rows + nFrames) / total).toFixed(0)} rows/s`);
  console.log(`  store CPU time: ${storeCpuS.toFixed(2)} s`);

  const session = sessions.get(s.id);
  const file = path.join(dir, 'bench_timeline.csv');
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const exportCpu0 = process.cpuUsage();
  t0 = performance.now();
  await writeTimelineCsv({ db, sessions, runs, fused, episodes }, session, runs.get(run.id), file);
  const exportS = (performance.now() - t0) / 1000;
  const exportCpuS = cpuS(exportCpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`timeline CSV: ${f.rows} rows, ${mb(statSync(file).size)} in ${exportS.toFixed(2)} s (target ≤ 3 s)`);
  console.log(`  export CPU time: ${exportCpuS.toFixed(2)} s (with the 20 ms RSS sampler)`);
  console.log(`  RSS before ${mb(base)}, peak while exporting ${mb(peak)}: growth ${mb(peak - base)} (garbage not yet collected counts here)`);
  // Again with a collection before every sample: the growth of what the export actually holds on to.
  gc();
  const heapBase = process.memoryUsage().heapUsed;
  let heapPeak = heapBase;
  const liveSampler = setInterval(() => {
    gc();
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 20);
  await writeTimelineCsv({ db, sessions, runs, fused, episodes }, session, runs.get(run.id), file);
  clearInterval(liveSampler);
  console.log(`  live heap growth while exporting (collected before each 20 ms sample): ${mb(heapPeak - heapBase)}; the file is ${mb(statSync(file).size)}`);
  db.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
