/**
 * Labels as CSV: one row per segment (docs/labels-csv.md). Columns are stable; new ones are only ever added
 * at the end. Text goes through the shared CSV writer's quoting and formula-injection guard.
 */
import { formatMs } from '../../../src-shared/labels/segments.js';
import { type CsvWriterOptions, formatRow, Text, writeCsvFileAtomically } from '../export/csv.js';
import type { ExportSegment } from '../store/labels-repo.js';

export const LABELS_CSV_COLUMNS = [
  'session_id',
  'participant',
  'protocol',
  'rater',
  'segment_id',
  'start_ms',
  'end_ms',
  'duration_ms',
  'start_time',
  'end_time',
  'label',
  'note',
  'created_at',
  'updated_at',
] as const;

export function labelsCsvRow(s: ExportSegment): Array<string | number | Text> {
  return [
    s.sessionId,
    new Text(s.participantCode),
    new Text(s.protocol),
    new Text(s.rater),
    new Text(s.id),
    s.startMs,
    s.endMs,
    s.endMs - s.startMs,
    new Text(formatMs(s.startMs)),
    new Text(formatMs(s.endMs)),
    new Text(s.label),
    new Text(s.note),
    new Text(s.createdAt),
    new Text(s.updatedAt),
  ];
}

/** The whole CSV text (header plus one line per segment, CRLF line ends, no byte-order mark). */
export function labelsCsv(rows: readonly ExportSegment[]): string {
  return formatRow([...LABELS_CSV_COLUMNS]) + rows.map((r) => formatRow(labelsCsvRow(r))).join('');
}

/** File name for an export of these sessions, e.g. labels_session-12.csv or labels_3-sessions.csv. */
export function labelsCsvFileName(sessionIds: readonly number[]): string {
  return sessionIds.length === 1 ? `labels_session-${sessionIds[0]}.csv` : `labels_${sessionIds.length}-sessions.csv`;
}

/**
 * Writes the labels CSV to a file for the session export (`<session>_labels.csv` beside the timeline):
 * to `<file>.part` first, renamed when complete, so a failed export leaves no half file.
 */
export function writeLabelsCsvFile(rows: readonly ExportSegment[], file: string, opts: CsvWriterOptions = {}): Promise<string> {
  return writeCsvFileAtomically(file, LABELS_CSV_COLUMNS, opts, async (w) => {
    for (const r of rows) await w.write(labelsCsvRow(r));
  });
}
