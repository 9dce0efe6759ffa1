/**
 * The columns of `<session>_timeline.csv`, each defined once: its name (the header), the expression it reads
 * from the fused rows joined with their face observation, its face geometry and voice window
 * (store/fused-repo.ts `joined`: aliases f, fo, fg, vo), and how its cell is written. The header, the SELECT and
 * every row's cells are generated from this table. Stable: docs/csv.md documents each column; add at the end,
 * never rename.
 */
import { CORE_EMOTION_COUNT, EMOTIONS } from '../../../src-shared/emotions.js';
import { AU_NAMES, MESH_POINTS } from '../../../src-shared/face-geometry.js';
import { prefixed } from '../store/prob-columns.js';
import { type Cell, Text } from './csv.js';

/** A value as SQLite returns it (blobs: the landmark points). */
type Raw = number | string | Uint8Array | null;
/** A scalar column's value as its cell. */
const scalar = (v: Raw): Cell => (v instanceof Uint8Array ? null : v);

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

const value = (name: string, sql: string): TimelineColumn => ({ name, sql, cell: scalar });
/** A value of the face observation, empty where no face was seen. */
const faceValue = (name: string, sql: string, cell: (v: Raw) => Cell | Text = scalar): TimelineColumn => ({ name, sql, cell: (v, r) => (r.face ? cell(v) : null) });
const fromRow = (name: string, cell: (r: RowContext) => Cell | Text): TimelineColumn => ({ name, cell: (_, r) => cell(r) });
/** The seven classes every model gives, in place; contempt came later and its columns are at the end of the file. */
const family = (prefix: string, alias: string, make: (name: string, sql: string) => TimelineColumn): TimelineColumn[] =>
  EMOTIONS.slice(0, CORE_EMOTION_COUNT).map((_, i) => make(prefixed(prefix)[i], prefixed(alias)[i]));
const CONTEMPT = EMOTIONS.indexOf('contempt');

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

/**
 * A grid step shows one observation, but a blink may end on any frame: the step [t, t + grid step) counts every
 * blink of the participant that ended in it, so the column sums to the blinks seen (the summary's blink_count).
 */
const BLINK_SQL = `CASE WHEN fg.obs_id IS NULL THEN NULL ELSE EXISTS (
    SELECT 1 FROM face_geometry g2 JOIN face_obs o2 ON o2.id = g2.obs_id
    WHERE g2.run_id = f.run_id AND g2.blink = 1 AND o2.participant = 1 AND g2.t_ms >= f.t_ms
      AND g2.t_ms < f.t_ms + (SELECT json_extract(r.params, '$.fusion.gridStepMs') FROM analysis_run r WHERE r.id = f.run_id)) END`;

/** Face geometry (docs/csv.md, "Face geometry"): empty where no face was seen or the face has no geometry (mesh off). */
const GEOMETRY: readonly TimelineColumn[] = [
  faceValue('head_yaw_deg', 'fg.head_yaw_deg'),
  faceValue('head_pitch_deg', 'fg.head_pitch_deg'),
  faceValue('head_roll_deg', 'fg.head_roll_deg'),
  faceValue('eye_open_left', 'fg.eye_open_left'),
  faceValue('eye_open_right', 'fg.eye_open_right'),
  faceValue('blink', BLINK_SQL, (v) => (v === null ? null : v === 1)),
  ...AU_NAMES.map((a) => faceValue(a, `fg.${a}`)),
];

export const TIMELINE: readonly TimelineColumn[] = [
  fromRow('session_id', (r) => r.sessionId),
  fromRow('run_id', (r) => r.runId),
  value('t_ms', 'f.t_ms'),
  { name: 't_s', sql: 'f.t_ms', cell: (v) => (v as number) / 1000 },
  // Audio-only media: no face is present at any step (0), and every other face column stays empty.
  fromRow('face_present', (r) => r.face),
  fromRow('face_reliable', (r) => r.hasVideo && r.faceState === 2),
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
  // Empty where the face model has no contempt, and where no contributing model had it.
  faceValue('face_p_contempt', prefixed('fo.')[CONTEMPT]),
  value('fused_p_contempt', prefixed('f.')[CONTEMPT]),
  ...GEOMETRY,
];

/**
 * The landmark columns (an export option: 1,404 of them), lm_x_000, lm_y_000, lm_z_000, … lm_z_467: the mesh's
 * points in fractions of the frame (x and z of its width, y of its height), from runs that kept them. All read
 * the one stored blob; its floats are decoded once per row.
 */
function landmarkColumns(): TimelineColumn[] {
  let blob: Uint8Array | null = null;
  let xyz: Float32Array | null = null;
  const point = (v: Raw): Float32Array | null => {
    const b = v instanceof Uint8Array ? v : null;
    if (b !== blob) {
      blob = b;
      xyz = b ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) : null;
    }
    return xyz;
  };
  return Array.from({ length: 3 * MESH_POINTS }, (_, k) => ({
    name: `lm_${'xyz'[k % 3]}_${String(Math.floor(k / 3)).padStart(3, '0')}`,
    sql: 'fg.landmarks',
    cell: (v: Raw, r: RowContext) => (r.face ? (point(v)?.[k] ?? null) : null),
  }));
}

export const LANDMARK_COLUMNS: readonly string[] = landmarkColumns().map((c) => c.name);

export const TIMELINE_COLUMNS: readonly string[] = TIMELINE.map((c) => c.name);

/** A timeline table as an export writes it: its header, the expressions to read per row, and the cells of a row. */
export interface TimelineTable {
  header: readonly string[];
  /** The context first, then each distinct expression of the columns once. */
  select: readonly string[];
  cells(session: { sessionId: number; runId: number | null; hasVideo: boolean }): (row: readonly Raw[]) => Array<Cell | Text>;
}

/** The timeline's columns, with the landmark columns at the end when asked for. */
export function timelineTable(opts: { landmarks?: boolean } = {}): TimelineTable {
  const columns = opts.landmarks ? [...TIMELINE, ...landmarkColumns()] : TIMELINE;
  const select: string[] = [...CONTEXT_SQL];
  const at = columns.map((c) => {
    if (!c.sql) return -1;
    const i = select.indexOf(c.sql);
    return i >= 0 ? i : select.push(c.sql) - 1;
  });
  return { header: columns.map((c) => c.name), select, cells: (session) => rowCells(columns, at, session) };
}

/** Turns rows read with a table's SELECT into CSV cells. */
function rowCells(columns: readonly TimelineColumn[], at: readonly number[], session: { sessionId: number; runId: number | null; hasVideo: boolean }): (row: readonly Raw[]) => Array<Cell | Text> {
  const n = columns.length;
  // One context object, refilled per row: an export writes tens of thousands of rows.
  const r: RowContext = { ...session, faceState: 0, face: false, faceWeight: 0, voiceWeight: 0 };
  return (row) => {
    r.faceState = row[1] as number;
    r.face = session.hasVideo && r.faceState > 0;
    r.faceWeight = row[2] as number;
    r.voiceWeight = row[3] as number;
    const cells = new Array<Cell | Text>(n);
    for (let i = 0; i < n; i++) cells[i] = columns[i].cell(at[i] < 0 ? null : row[at[i]], r);
    return cells;
  };
}
