/**
 * Every English string the camera preview, the framing guidance and their Settings section show, in one
 * place so they move into the message catalogues in one step.
 */
import type { Advice, CheckId, CheckState } from './framing.js';

export const ADVICE_TEXT: Record<Advice, string> = {
  'no-face': 'No face found: sit the participant facing the camera',
  closer: 'Move the camera closer (or the participant nearer)',
  further: 'Move the camera further away: the whole face should be in the picture',
  centre: 'Centre the face in the picture',
  'light-front': 'Light from the front: the face is too dark',
  'less-light': 'Less light on the face: it is too bright',
  contrast: 'Light the face from the front: it looks flat and washed out',
  focus: 'Hold the camera still and check its focus: the face is blurred',
  good: 'Framing is good',
};

export const CHECK_LABEL: Record<CheckId, string> = {
  present: 'Face found',
  size: 'Face size',
  centring: 'Centred',
  brightness: 'Brightness',
  contrast: 'Contrast',
  sharpness: 'Sharpness',
};

export const CHECK_STATE_TEXT: Record<CheckState, string> = { pass: 'passes', fail: 'fails', unknown: 'not measured' };

export const TEXT = {
  framingTitle: 'Framing',
  framingChecks: 'Framing checks',
  starting: 'Starting the preview face detector…',
  switchedOff: 'Framing guidance is switched off in Settings.',
  unavailable: (why: string | null) => `Framing guidance is unavailable: ${why ?? 'unknown error'}`,
  statsTitle: 'Face detection on every camera frame in this window (display only; stored results come from the analysis)',
  stats: (hz: number, ms: number | null, delegate: string | null) => `Preview ${hz.toFixed(0)} Hz, ${ms === null ? '–' : `${ms.toFixed(0)} ms`} per frame (${delegate ?? '–'})`,
  reportFailed: (why: string) => `Framing shares could not be saved: ${why}`,
  settingsTitle: 'Camera preview',
  settingsIntro: (modelId: string) =>
    `Boxes on the preview and the framing guidance come from MediaPipe's face detector (${modelId}) running in this window on every camera frame. They are for display only: stored results always come from the analysis engine.`,
  settingsToggle: 'Detect faces on every camera frame (preview boxes and framing guidance)',
  runsOn: 'Runs on',
  why: 'Why',
  loadTime: 'Load time',
  off: 'switched off',
  gpu: 'GPU (WebGL)',
  cpu: 'CPU (WebAssembly)',
  notAvailable: (why: string | null) => `not available: ${why ?? 'unknown error'}`,
  loading: 'loading…',
  delegateNoWebgl: 'WebGL 2 is not available in this window',
  delegateSoftware: (renderer: string) => `WebGL runs in software here (${renderer}), which is slower than the CPU delegate`,
  delegateGpu: (renderer: string) => `WebGL 2 on ${renderer}`,
  delegateGpuFailed: (why: string) => `the GPU delegate failed to start (${why})`,
  modelLoadFailed: (status: string) => `The preview face model could not be loaded (${status})`,
  modelMismatch: (sha: string) => `The preview face model does not match models/manifest.json (sha256 ${sha}…)`,
  summaryTitle: 'Framing while recording',
  summaryNone: 'Not measured: the camera preview judges the framing while a session is recorded in Capture (not for imported clips, nor with its face detector switched off).',
  summaryFailed: (why: string) => `The framing shares could not be loaded: ${why}`,
  summaryJudged: (s: number) => `Judged by the camera preview for ${s.toFixed(1)} s of the recording.`,
  summaryNotable: (list: string) => `Failed for a notable share of that time: ${list}. Estimates from those stretches are less reliable.`,
  summaryGood: (limit: string) => `No check failed for more than ${limit} of that time.`,
  summaryListLabel: 'Share of the recording each framing check failed',
  summaryFailedShare: (pct: string) => `failed ${pct}`,
};
