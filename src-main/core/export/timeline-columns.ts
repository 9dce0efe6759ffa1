/**
 * The columns of `<session>_timeline.csv`, each defined once: its name (the header), the expression it reads
 * from the fused rows joined with their face observation and voice window (store/fused-repo.ts `joined`:
 * aliases f, fo, vo), and how its cell is written. The header, the SELECT and every row's cells are generated
 * from this table. Stable: docs/csv.md documents each column; add at the end, never rename.
 */
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { prefixed } from '../store/prob-columns.js';
import { type Cell, Text } from './csv.js';

type Raw = number | string | null;

/** What a cell may use besides its own value: the session, the run and the fused row's keys. */
export interface RowContext {
  sessionId: number;
  /** Null in a de-identified export. */
  runId: number | null;
  /** The media has a video stream (face columns are empty for an audio-only clip). */
  hasVideo: boolean;
  /** fused.face_state: 0 no face, 1 unreliable, 2 reliable. */
  faceState: number;
  /** A face was seen at this step (video only). */
  face: boolean;
  faceWeight: number;
  voiceWeight: number;
}

export interface TimelineColumn {
  readonly name: string;
  /** The expression read for this column; none for a cell made from the context alone. */
  readonly sql?: string;
  cell(value: Raw, row: RowContext): Cell | Text;
}

/** The fused row's keys, read first in every row (the first is the page key). */
const CONTEXT_SQL = ['f.t_ms', 'f.face_state', 'f.face_weight', 'f.voice_weight'] as const;

const value = (name: string, sql: string): TimelineColumn => ({ name, sql, cell: (v) => v });
/** A value of the face observation, empty where no face was seen. */
const faceValue = (name: string, sql: string, cell: (v: Raw) => Cell | Text = (v) => v): TimelineColumn => ({ name, sql, cell: (v, r) => (r.face ? cell(v) : null) });
const fromRow = (name: string, cell: (r: RowContext) => Cell | Text): TimelineColumn => ({ name, cell: (_, r) => cell(r) });
const family = (prefix: string, alias: string, make: (name: string, sql: string) => TimelineColumn): TimelineColumn[] =>
  EMOTIONS.map((_, i) => make(prefixed(prefix)[i], prefixed(alias)[i]));

/** voice_obs features exported per step (the full set stays in the data folder). */
const VOICE_FEATURES: ReadonlyArray<[string, string]> = [
  ['voice_f0_mean_hz', 'f0_mean_hz'],
  ['voice_f0_sd_st', 'f0_sd_st'],
  ['voice_loudness_mean', 'loudness_mean'],
  ['voice_jitter_local', 'jitter_local'],
  ['voice_shimmer_local_db', 'shimmer_local_db'],
  ['voice_hnr_db', 'hnr_db'],
  ['voice_alpha_ratio_db', 'alpha_ratio_db'],
  ['voice_voiced_ratio', 'voiced_ratio'],
];

export const TIMELINE: readonly TimelineColumn[] = [
  fromRow('session_id', (r) => r.sessionId),
  fromRow('run_id', (r) => r.runId),
  value('t_ms', 'f.t_ms'),
  { name: 't_s', sql: 'f.t_ms', cell: (v) => (v as number) / 1000 },
  fromRow('face_present', (r) => (r.hasVideo ? r.face : null)),
  fromRow('face_reliable', (r) => (r.hasVideo ? r.faceState === 2 : null)),
  faceValue('face_track_id', 'fo.track_id'),
  faceValue('face_box_x', 'fo.box_x'),
  faceValue('face_box_y', 'fo.box_y'),
  faceValue('face_box_w', 'fo.box_w'),
  faceValue('face_box_h', 'fo.box_h'),
  faceValue('face_det_score', 'fo.det_score'),
  faceValue('face_unreliable_reasons', 'fo.unreliable_reasons', (v) => new Text(((v as string | null) ?? '').replace(/,/g, ';'))),
  ...family('face_', 'fo.', (name, sql) => faceValue(name, sql)),
  { name: 'speech', sql: 'f.speech', cell: (v) => (v === null ? null : v === 1) },
  value('speech_prob', 'vo.speech_prob'),
  ...VOICE_FEATURES.map(([name, column]) => value(name, `vo.${column}`)),
  ...family('voice_', 'vo.', value),
  value('voice_p_calm', 'vo.p_calm'),
  ...family('fused_', 'f.', value),
  { name: 'dominant', sql: 'f.dominant', cell: (v) => new Text((v as string | null) ?? 'no estimate') },
  value('valence', 'f.valence'),
  value('arousal', 'f.arousal'),
  fromRow('modalities', (r) => new Text([r.faceWeight > 0 ? 'face' : '', r.voiceWeight > 0 ? 'voice' : ''].filter(Boolean).join('+') || 'none')),
  fromRow('face_weight', (r) => r.faceWeight),
  fromRow('voice_weight', (r) => r.voiceWeight),
];

export const TIMELINE_COLUMNS: readonly string[] = TIMELINE.map((c) => c.name);

/** The expressions to read per row: the context first, then each column's own. */
export const TIMELINE_SELECT: readonly string[] = [...CONTEXT_SQL, ...TIMELINE.flatMap((c) => (c.sql ? [c.sql] : []))];

/** Turns rows read with TIMELINE_SELECT into CSV cells. */
export function timelineCells(session: { sessionId: number; runId: number | null; hasVideo: boolean }): (row: readonly Raw[]) => Array<Cell | Text> {
  let next = CONTEXT_SQL.length;
  const at = TIMELINE.map((c) => (c.sql ? next++ : -1));
  const n = TIMELINE.length;
  // One context object, refilled per row: an export writes tens of thousands of rows.
  const r: RowContext = { ...session, faceState: 0, face: false, faceWeight: 0, voiceWeight: 0 };
  return (row) => {
    r.faceState = row[1] as number;
    r.face = session.hasVideo && r.faceState > 0;
    r.faceWeight = row[2] as number;
    r.voiceWeight = row[3] as number;
    const cells = new Array<Cell | Text>(n);
    for (let i = 0; i < n; i++) cells[i] = TIMELINE[i].cell(at[i] < 0 ? null : row[at[i]], r);
    return cells;
  };
}
