import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportSegment } from '../store/labels-repo.js';
import { tempDir } from '../test-support/make-media.js';
import { labelsCsv, LABELS_CSV_COLUMNS, labelsCsvFileName, writeLabelsCsvFile } from './labels-csv.js';

const row = (over: Partial<ExportSegment> = {}): ExportSegment => ({
  sessionId: 3, participantCode: 'P-1', protocol: 'Interview', rater: 'RA', id: 'a1', startMs: 1500, endMs: 4250, label: 'happy', note: '',
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z', ...over,
});

describe('labels CSV', () => {
  it('writes the same rows to a file (for the session export) as to text, and leaves no .part behind', async () => {
    const rows = [row(), row({ id: 'a2', startMs: 5000, endMs: 6000, label: 'sad', note: '-1 "quoted", two\r\nlines' })];
    const file = path.join(tempDir(), 'P-1_labels.csv');
    await writeLabelsCsvFile(rows, file);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(labelsCsv(rows));
    expect(existsSync(`${file}.part`)).toBe(false);
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(parsed[0])).toEqual([...LABELS_CSV_COLUMNS]);
    expect(parsed[1].note).toBe(`'-1 "quoted", two\r\nlines`);
    expect(parsed[0].duration_ms).toBe('2750');
  });

  it('names the file after the session or the number of sessions', () => {
    expect(labelsCsvFileName([7])).toBe('labels_session-7.csv');
    expect(labelsCsvFileName([7, 8, 9])).toBe('labels_3-sessions.csv');
  });
});
