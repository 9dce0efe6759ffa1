/**
 * Per-session CSV files (`<session>_timeline.csv`, `<session>_summary.csv`) and batch export with a combined
 * summary, column by column as documented in docs/csv.md. Every file names the analysis run it comes from.
 * Files are written to a temp file and put in place when complete, so a failed export leaves no half file;
 * an existing file is never replaced unless asked (`overwrite`), the new one gets a free `-N` name.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisRun, RunSummary } from '../../../src-shared/analysis.js';
import type { MediaFile, Session } from '../../../src-shared/domain.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { ApiError } from '../../../src-shared/errors.js';
import { AU_NAMES } from '../../../src-shared/face-geometry.js';
import { type GeometrySummary, summariseGeometry } from '../analysis/geometry/geometry-summary.js';
import { runSummary } from '../analysis/run-summary.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import { FaceGeometryRepo } from '../store/face-geometry-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { type Cell, type CsvWriter, Text, writeCsvFileAtomically } from './csv.js';
import { timelineTable } from './timeline-columns.js';
import { writeLabelsCsvFile } from '../labels/labels-csv.js';
import { type ExportSegment, LabelsRepo } from '../store/labels-repo.js';
import type { DeidMap } from './deidentify.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import { FRAMING_CHECKS, type SessionFraming } from '../../../src-shared/contract/framing.js';
import { FramingRepo } from '../store/framing-repo.js';

export interface ExportDeps {
  db: Db;
  sessions: SessionsRepo;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
}

export interface ExportOptions {
  /** UTF-8 byte-order mark for Excel (default off: R and pandas read plain UTF-8 best). */
  bom?: boolean;
  /** Add the face mesh's 468 × 3 landmark columns to the timeline (runs that kept them; heavy: 1,404 columns). */
  landmarks?: boolean;
  /** De-identified export: pseudonyms and session numbers for codes and ids, no run ids, file names or notes. */
  deid?: DeidMap;
  /** Replace files of the same name; by default a new file gets a free `-N` name instead. */
  overwrite?: boolean;
}

/** The session column's value: its id, or its number in a de-identified export. */
function sessionCell(session: Session, opts: ExportOptions): number {
  return opts.deid ? opts.deid.session(session.id, session.participantCode) : session.id;
}

function participantCell(session: Session, opts: ExportOptions): Text {
  return new Text(opts.deid ? opts.deid.participant(session.participantCode) : session.participantCode);
}

/** Label rows as exported: de-identified ones without notes or rater names, dates dropped or shifted. */
function labelRows(d: ExportDeps, sessionIds: readonly number[], opts: ExportOptions): ExportSegment[] {
  const rows = new LabelsRepo(d.db).exportRows(sessionIds);
  const deid = opts.deid;
  if (!deid) return rows;
  return rows.map((r) => ({
    ...r,
    sessionId: deid.session(r.sessionId, r.participantCode),
    participantCode: deid.participant(r.participantCode),
    rater: deid.rater(r.rater),
    note: '',
    createdAt: deid.date(r.createdAt, r.participantCode) ?? '',
    updatedAt: deid.date(r.updatedAt, r.participantCode) ?? '',
  }));
}

export { LANDMARK_COLUMNS, TIMELINE_COLUMNS } from './timeline-columns.js';

const RUN_COLUMNS = ['run_id', 'run_status', 'run_mode', 'run_started_at', 'software_version', 'provider', 'provider_detail', 'models', 'media_file', 'grid_step_ms', 'smoothing_half_life_ms', 'episode_min_duration_s'];
const COVERAGE_COLUMNS = ['analysed_s', 'coverage_face_reliable', 'coverage_face_present', 'coverage_speech', 'coverage_any_estimate'];
const EMOTION_FIGURES = ['dominant_share', 'mean_probability', 'episode_count', 'episodes_per_hour', 'episode_total_s', 'episode_longest_s'];

/** The camera preview's framing checks while recording (session_framing): added after the first release's columns. */
const FRAMING_COLUMNS = ['framing_judged_s', ...FRAMING_CHECKS.map((c) => `framing_failed_${c}`)];

/** Session-level face geometry (docs/csv.md, "Face geometry"); empty cells for runs without the mesh. */
const GEOMETRY_SUMMARY_COLUMNS = [
  'face_geometry_s',
  'blink_count',
  'blink_rate_per_min',
  'head_yaw_range_deg',
  'head_pitch_range_deg',
  'head_roll_range_deg',
  ...AU_NAMES.map((a) => `mean_${a}`),
  'low_mobility_episodes',
  'low_mobility_total_s',
  'low_mobility_longest_s',
];

export const SUMMARY_COLUMNS: readonly string[] = ['session_id', 'participant', 'protocol', ...RUN_COLUMNS, ...COVERAGE_COLUMNS, 'emotion', ...EMOTION_FIGURES, ...FRAMING_COLUMNS, ...GEOMETRY_SUMMARY_COLUMNS];
export const COMBINED_SUMMARY_COLUMNS: readonly string[] = [
  'session_id',
  'participant',
  'protocol',
  ...RUN_COLUMNS,
  ...COVERAGE_COLUMNS,
  ...EMOTIONS.flatMap((e) => EMOTION_FIGURES.map((f) => `${e}_${f}`)),
  ...FRAMING_COLUMNS,
  ...GEOMETRY_SUMMARY_COLUMNS,
];

export const COMBINED_SUMMARY_FILE = 'sessions_summary.csv';

/** `session-<id>_<participant code>`: codes are letters, digits, . _ - only, so this is a safe file name. */
export function sessionFileStem(session: Pick<Session, 'id' | 'participantCode'>): string {
  return `session-${session.id}_${session.participantCode.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** The run an export uses: the given one (any status), else the session's newest complete run. */
export function exportRunFor(d: ExportDeps, session: Session, runId?: number): AnalysisRun {
  if (runId !== undefined) {
    const run = d.runs.get(runId);
    if (run.sessionId !== session.id) throw apiError('invalid_input', 'errors.runOfOtherSession', { runId, other: run.sessionId, id: session.id });
    return run;
  }
  const run = d.runs.latestComplete(session.id);
  if (!run) throw apiError('conflict', 'errors.noCompleteRun', { id: session.id, code: session.participantCode });
  return run;
}

function mediaOf(session: Session, run: AnalysisRun): MediaFile | null {
  return session.media.find((m) => m.id === run.mediaFileId) ?? null;
}

function writeAtomically(file: string, header: readonly string[], opts: ExportOptions, body: (w: CsvWriter) => Promise<void>): Promise<string> {
  return writeCsvFileAtomically(file, header, { bom: opts.bom, overwrite: opts.overwrite }, body);
}

/** One row per grid step of the run, streamed page by page from the fused rows joined with their observations. */
export async function writeTimelineCsv(d: ExportDeps, session: Session, run: AnalysisRun, file: string, opts: ExportOptions = {}): Promise<string> {
  const media = mediaOf(session, run);
  // A de-identified export numbers sessions per export and leaves run ids out.
  const table = timelineTable({ landmarks: opts.landmarks });
  const cells = table.cells({ sessionId: sessionCell(session, opts), runId: opts.deid ? null : run.id, hasVideo: media ? media.hasVideo : true });
  return writeAtomically(file, table.header, opts, async (w) => {
    for (const row of d.fused.joined(run.id, table.select)) await w.write(cells(row));
  });
}

function runCells(run: AnalysisRun, media: MediaFile | null, session: Session, opts: ExportOptions): Array<Cell | Text> {
  const p = run.params;
  const startedAt = opts.deid ? opts.deid.date(run.startedAt, session.participantCode) : run.startedAt;
  return [
    opts.deid ? null : run.id,
    new Text(run.status),
    new Text(run.mode),
    startedAt === null ? null : new Text(startedAt),
    new Text(run.softwareVersion),
    run.provider === null ? null : new Text(run.provider),
    run.providerDetail === null ? null : new Text(run.providerDetail),
    new Text(run.models.map((m) => `${m.id}@${m.sha256}`).join(';')),
    media && !opts.deid ? new Text(media.fileName) : null,
    p.fusion.gridStepMs,
    p.fusion.halfLifeMs,
    p.episodes.minDurationMs / 1000,
  ];
}

function coverageCells(s: RunSummary): Cell[] {
  return [s.analysedMs / 1000, s.coverage.faceReliable, s.coverage.facePresent, s.coverage.speech, s.coverage.anyEstimate];
}

function emotionCells(e: RunSummary['emotions'][number]): Cell[] {
  return [e.dominantShare, e.meanProbability, e.episodeCount, e.episodesPerHour, e.episodeTotalMs / 1000, e.episodeLongestMs / 1000];
}

/** Empty when the recording has no framing (an imported clip, or the preview's detector was off). */
function framingCells(f: SessionFraming | null): Cell[] {
  return f ? [f.totalMs / 1000, ...FRAMING_CHECKS.map((c) => f.failedShare[c])] : FRAMING_COLUMNS.map(() => null);
}

/** The run's face geometry summary, or null when it has no geometry (mesh off, audio only, an older run). */
export function geometrySummaryOf(d: ExportDeps, run: AnalysisRun): GeometrySummary | null {
  const repo = new FaceGeometryRepo(d.db);
  if (!repo.hasAny(run.id)) return null;
  return summariseGeometry(repo.participant(run.id), run.params.episodes.lowMobility);
}

function geometryCells(g: GeometrySummary | null): Cell[] {
  if (!g) return GEOMETRY_SUMMARY_COLUMNS.map(() => null);
  const spans = g.lowMobility;
  return [
    g.measuredMs / 1000,
    g.blinkCount,
    g.blinkRatePerMin,
    g.yawRangeDeg,
    g.pitchRangeDeg,
    g.rollRangeDeg,
    ...AU_NAMES.map((a) => g.meanAu[a]),
    spans.length,
    spans.reduce((t, x) => t + x.durationMs, 0) / 1000,
    spans.length ? Math.max(...spans.map((x) => x.durationMs)) / 1000 : 0,
  ];
}

export function summaryOf(d: ExportDeps, session: Session, run: AnalysisRun): RunSummary {
  const media = mediaOf(session, run);
  return runSummary(d, run.id, { hasVideo: media ? media.hasVideo : true, hasAudio: media ? media.hasAudio : true });
}

/** One row per emotion; session, run and coverage columns repeat on every row so the file stands alone (tidy). */
export async function writeSummaryCsv(
  d: ExportDeps,
  session: Session,
  run: AnalysisRun,
  file: string,
  opts: ExportOptions = {},
  summary = summaryOf(d, session, run),
  geometry = geometrySummaryOf(d, run),
): Promise<string> {
  const head: Array<Cell | Text> = [
    sessionCell(session, opts),
    participantCell(session, opts),
    new Text(session.protocol),
    ...runCells(run, mediaOf(session, run), session, opts),
    ...coverageCells(summary),
  ];
  const tail = [...framingCells(new FramingRepo(d.db).get(session.id)), ...geometryCells(geometry)];
  return writeAtomically(file, SUMMARY_COLUMNS, opts, async (w) => {
    for (const e of summary.emotions) await w.write([...head, new Text(e.emotion), ...emotionCells(e), ...tail]);
  });
}

export interface SessionExport {
  sessionId: number;
  runId: number;
  timeline: string;
  summary: string;
  /** `<session>_labels.csv`, one row per label segment; null when the session has no labels. */
  labels: string | null;
}

/** Writes both files of one session into `outDir`. */
export async function exportSession(
  d: ExportDeps,
  sessionId: number,
  outDir: string,
  opts: ExportOptions & { runId?: number } = {},
): Promise<SessionExport & { run: AnalysisRun; session: Session; summaryData: RunSummary; geometryData: GeometrySummary | null }> {
  const session = d.sessions.get(sessionId);
  const run = exportRunFor(d, session, opts.runId);
  ensureDir(outDir);
  const stem = opts.deid ? opts.deid.stem(session.id, session.participantCode) : sessionFileStem(session);
  const timeline = await writeTimelineCsv(d, session, run, path.join(outDir, `${stem}_timeline.csv`), opts);
  const summaryData = summaryOf(d, session, run);
  const geometryData = geometrySummaryOf(d, run);
  const summary = await writeSummaryCsv(d, session, run, path.join(outDir, `${stem}_summary.csv`), opts, summaryData, geometryData);
  const segments = labelRows(d, [sessionId], opts);
  const labels = segments.length ? await writeLabelsCsvFile(segments, path.join(outDir, `${stem}_labels.csv`), { bom: opts.bom, overwrite: opts.overwrite }) : null;
  return { sessionId, runId: run.id, timeline, summary, labels, run, session, summaryData, geometryData };
}

/** A folder name for an export made from the app: its time, sortable, safe on every platform. */
export function exportFolderName(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

export function ensureDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ApiError('invalid_input', `${dir} exists and is not a folder`);
  mkdirSync(dir, { recursive: true });
}

export interface BatchExport {
  folder: string;
  sessions: SessionExport[];
  combinedSummary: string | null;
  skipped: Array<{ sessionId: number; message: string }>;
}

/**
 * Exports many sessions into one folder, each with its newest complete run, plus `sessions_summary.csv` with
 * one row per exported session. Sessions without a complete run are listed as skipped, not fatal.
 */
export async function exportSessions(d: ExportDeps, sessionIds: readonly number[], outDir: string, opts: ExportOptions = {}): Promise<BatchExport> {
  ensureDir(outDir);
  const done: Array<Awaited<ReturnType<typeof exportSession>>> = [];
  const skipped: BatchExport['skipped'] = [];
  for (const id of sessionIds) {
    try {
      done.push(await exportSession(d, id, outDir, opts));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      skipped.push({ sessionId: id, message: e.message });
    }
  }
  const combinedSummary = done.length ? await writeCombinedSummary(d, done, outDir, opts) : null;
  return { folder: outDir, sessions: done.map(({ sessionId, runId, timeline, summary, labels }) => ({ sessionId, runId, timeline, summary, labels })), combinedSummary, skipped };
}

/** `sessions_summary.csv`: one row per exported session, its run's coverage and emotion figures. */
export async function writeCombinedSummary(
  d: ExportDeps,
  done: ReadonlyArray<{ session: Session; run: AnalysisRun; summaryData: RunSummary }>,
  outDir: string,
  opts: ExportOptions = {},
): Promise<string> {
  return writeAtomically(path.join(outDir, COMBINED_SUMMARY_FILE), COMBINED_SUMMARY_COLUMNS, opts, async (w) => {
    for (const x of done) {
      await w.write([
        sessionCell(x.session, opts),
        participantCell(x.session, opts),
        new Text(x.session.protocol),
        ...runCells(x.run, mediaOf(x.session, x.run), x.session, opts),
        ...coverageCells(x.summaryData),
        ...x.summaryData.emotions.flatMap(emotionCells),
        ...framingCells(new FramingRepo(d.db).get(x.session.id)),
        ...geometryCells(geometrySummaryOf(d, x.run)),
      ]);
    }
  });
}
