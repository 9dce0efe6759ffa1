/**
 * A session with a video file and a finished analysis run whose stored observations follow a known script,
 * for tests of Review and labelling (unit tests and the e2e fixture). Written through the store's own
 * repositories, so the rows are exactly what an analysis would store.
 *
 * Script (durationMs D, fused grid 100 ms, faces at 30 fps, voice windows 1 s with 0.5 s hop):
 *   [0, 40 %)      happy dominant (p 0.8), reliable face, speech
 *   [40 %, 60 %)   no estimate: face unreliable (too small), no speech
 *   [60 %, 100 %)  sad dominant (p 0.7), reliable face, no speech
 * Episodes: happy over the first part, sad over the last.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import type { VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import type { FusedRow } from '../analysis/timeline.js';
import { RECORDING_FILE, sessionFolder } from '../recording/session-folder.js';
import { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import { EpisodesRepo } from '../store/episodes-repo.js';
import { FaceObsRepo } from '../store/face-obs-repo.js';
import { FusedRepo } from '../store/fused-repo.js';
import { ParticipantsRepo } from '../store/participants-repo.js';
import { ConsentRepo } from '../store/consent-repo.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { VoiceObsRepo } from '../store/voice-obs-repo.js';
import type { MediaStore } from '../crypto/media-store.js';
import { makeWebm, tempDir } from './make-media.js';

export interface SeededSession {
  sessionId: number;
  runId: number;
  durationMs: number;
  videoFile: string | null;
}

export interface SeedOptions {
  participantCode?: string;
  protocol?: string;
  durationMs?: number;
  /** Make a real WebM (ffmpeg) as the session's recording; false: observations only. */
  video?: boolean;
  /** Fixed instants make screenshots and date filters deterministic. */
  startedAt?: string;
  /** The data folder's media store when it is encrypted: the video is made outside it and stored encrypted. */
  media?: MediaStore;
  /** Give the participant's observations face geometry: head turning side to side, a smile rising with happy. */
  geometry?: boolean;
}

const FRAME_W = 320;
const FRAME_H = 240;

export function scriptedEmotion(tMs: number, durationMs: number): { emotion: Emotion; p: number } | null {
  const f = tMs / durationMs;
  if (f < 0.4) return { emotion: 'happy', p: 0.8 };
  if (f < 0.6) return null;
  return { emotion: 'sad', p: 0.7 };
}

function probsFor(emotion: Emotion, p: number): number[] {
  const rest = (1 - p) / (EMOTIONS.length - 1);
  return EMOTIONS.map((e) => (e === emotion ? p : rest));
}

async function storedSize(file: string, media?: MediaStore): Promise<number> {
  if (!media?.encrypted) return statSync(file).size;
  const r = await media.open(file);
  await r.close();
  return r.size;
}

export async function seedReviewSession(db: Db, dataDir: string, opts: SeedOptions = {}): Promise<SeededSession> {
  const durationMs = opts.durationMs ?? 6000;
  const participants = new ParticipantsRepo(db);
  const sessions = new SessionsRepo(db);
  const code = opts.participantCode ?? 'P-REVIEW';
  const participant = participants.list().find((p) => p.code === code) ?? participants.create(code);
  // A reviewed session's participant agreed to everything (tests about consent make their own participants).
  if (participant.consent.status === 'not_recorded') {
    new ConsentRepo(db).add({
      participantId: participant.id,
      kind: 'given',
      scopes: { video: true, audio: true, analysis: true, research: true },
      takenBy: null,
      takenOn: '2026-01-01',
      formRef: 'seed',
      retainUntil: null,
      recordedBy: null,
    });
  }
  const session = sessions.create({ participantId: participant.id, protocol: opts.protocol ?? 'Review fixture', operatorId: null, note: '' });
  const startedAt = opts.startedAt ?? '2026-01-15T09:00:00.000Z';
  sessions.markRecording(session.id, startedAt);
  sessions.markEnded(session.id, { status: 'completed', endedAt: new Date(Date.parse(startedAt) + durationMs).toISOString(), durationMs, detail: null });

  let videoFile: string | null = null;
  let mediaFileId: number | null = null;
  if (opts.video !== false) {
    const dir = sessionFolder(dataDir, session.id);
    mkdirSync(dir, { recursive: true });
    videoFile = path.join(dir, RECORDING_FILE);
    if (opts.media?.encrypted) {
      const clear = await makeWebm(path.join(tempDir('affect-seed-'), RECORDING_FILE), durationMs / 1000);
      const w = await opts.media.create(videoFile);
      await w.write(readFileSync(clear));
      await w.close();
      rmSync(path.dirname(clear), { recursive: true, force: true });
    } else await makeWebm(videoFile, durationMs / 1000);
    const media = sessions.addMedia({
      sessionId: session.id, kind: 'recording', fileName: RECORDING_FILE, mimeType: 'video/webm', bytes: (await storedSize(videoFile, opts.media)),
      durationMs, hasVideo: true, hasAudio: true,
    });
    mediaFileId = media.id;
  }

  const runs = new AnalysisRunsRepo(db);
  const run = runs.create({ sessionId: session.id, mediaFileId, mode: 'offline', params: DEFAULT_ANALYSIS_PARAMS, softwareVersion: 'seed', mediaDurationMs: durationMs });

  // Faces at 30 fps: the participant (track 1) moving slowly to the right; small (unreliable) in the middle part.
  const frames: FrameFaces[] = [];
  for (let i = 0; (i * 1000) / 30 < durationMs; i++) {
    const tMs = Math.round(((i * 1000) / 30) * 1000) / 1000;
    const s = scriptedEmotion(tMs, durationMs);
    const size = s ? 96 : 24;
    const emotion = s?.emotion ?? 'neutral';
    frames.push({
      tMs,
      width: FRAME_W,
      height: FRAME_H,
      faces: [
        {
          trackId: 1,
          participant: true,
          box: { x: 60 + (tMs / durationMs) * 120, y: 60, w: size, h: size },
          quality: { detScore: 0.95, sizePx: size, rollDeg: 0, sharpness: 200, reliable: !!s, reasons: s ? [] : ['size'] },
          probs: probsFor(emotion, s?.p ?? 0.4),
          dominant: emotion,
          ...(opts.geometry
            ? {
                geometry: {
                  yawDeg: 20 * Math.sin((2 * Math.PI * tMs) / durationMs),
                  pitchDeg: -5,
                  rollDeg: 3,
                  eyeOpenLeft: 0.3,
                  eyeOpenRight: 0.3,
                  // Every 2 s, on a frame between grid steps (the 10 Hz grid shows every third frame).
                  blink: i % 60 === 31,
                  au: { au01_02: 0.1, au04: 0.05, au06_12: emotion === 'happy' ? 0.8 : 0.1, au15: emotion === 'sad' ? 0.6 : 0, au20: 0.1, au25: 0.2, au26: 0.1, au43: 0 },
                },
              }
            : {}),
        },
      ],
    });
  }
  new FaceObsRepo(db).insertFrames(run.id, frames);

  const windows: VoiceWindowResult[] = [];
  for (let tMs = 0; tMs + 1000 <= durationMs; tMs += 500) {
    const speech = tMs + 1000 <= durationMs * 0.4;
    windows.push({
      tMs, durMs: 1000, speech, speechProb: speech ? 0.9 : 0.05, speechRatio: speech ? 0.9 : 0,
      features: null,
      emotion: speech ? { modelId: 'seed', probs: probsFor('happy', 0.6), calm: null, valence: 0.5, arousal: 0.3 } : null,
      trace: null,
    });
  }
  new VoiceObsRepo(db).insert(run.id, windows);

  const rows: FusedRow[] = [];
  for (let tMs = 0; tMs < durationMs; tMs += 100) {
    const s = scriptedEmotion(tMs, durationMs);
    rows.push({
      tMs,
      probs: s ? Float64Array.from(probsFor(s.emotion, s.p)) : null,
      dominant: s?.emotion ?? null,
      valence: s ? (s.emotion === 'happy' ? 0.6 : -0.5) : null,
      arousal: s ? (s.emotion === 'happy' ? 0.3 : -0.2) : null,
      faceWeight: s ? 1 : 0,
      voiceWeight: 0,
      faceState: s ? 'reliable' : 'unreliable',
      speech: tMs < durationMs * 0.4,
      faceRef: null,
      voiceRef: null,
    });
  }
  new FusedRepo(db).insert(run.id, rows);
  const cut1 = Math.round((durationMs * 0.4) / 100) * 100;
  const cut2 = Math.round((durationMs * 0.6) / 100) * 100;
  new EpisodesRepo(db).replace(run.id, [
    { emotion: 'happy', startMs: 0, endMs: cut1, durationMs: cut1, meanProbability: 0.8, peakProbability: 0.8 },
    { emotion: 'sad', startMs: cut2, endMs: durationMs, durationMs: durationMs - cut2, meanProbability: 0.7, peakProbability: 0.7 },
  ]);
  runs.setProgress(run.id, { progressMs: durationMs });
  runs.finish(run.id, 'complete');
  return { sessionId: session.id, runId: run.id, durationMs, videoFile };
}
