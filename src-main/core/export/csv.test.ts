import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { CsvWriter, formatCell, formatNumber, formatRow, guardText, Text } from './csv.js';

describe('CSV cells', () => {
  it('quotes per RFC 4180 only where needed', () => {
    expect(formatRow(['a', 'b c', 'x,y', 'say "hi"', 'two\nlines', 'cr\rhere'])).toBe('a,b c,"x,y","say ""hi""","two\nlines","cr\rhere"\r\n');
  });

  it('makes formula-like text inert and leaves numbers alone', () => {
    expect(guardText("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    for (const s of ['+1', '-2+3', '@SUM(A1)', '\tx', '\r=1']) expect(guardText(s).startsWith("'")).toBe(true);
    expect(guardText('happy')).toBe('happy');
    expect(formatCell(-0.25)).toBe('-0.25');
    expect(formatCell(new Text('-0.25'))).toBe("'-0.25");
    expect(formatCell('=1+1,2')).toBe(`"'=1+1,2"`);
  });

  it('writes numbers plainly: rounded, no exponent, empty for missing', () => {
    expect(formatNumber(0.1234567891)).toBe('0.123457');
    expect(formatNumber(1e-9)).toBe('0');
    expect(formatNumber(2.5e-6)).toBe('0.000003');
    expect(formatNumber(-1e-9)).toBe('0');
    expect(formatNumber(123456789)).toBe('123456789');
    expect(formatNumber(NaN)).toBe('');
    expect(formatCell(null)).toBe('');
    expect(formatCell(true)).toBe('1');
  });
});

describe('CsvWriter', () => {
  it('streams a file that a real CSV parser reads back to the same values', async () => {
    const file = path.join(tempDir(), 'out.csv');
    const w = new CsvWriter(file, ['id', 'label', 'value', 'note']);
    const rows: Array<[number, string, number | null, string]> = [];
    for (let i = 0; i < 5000; i++) {
      rows.push([i, i % 3 ? `plain ${i}` : `tricky, "quoted"\nline ${i} ü`, i % 7 ? i / 7 : null, i === 42 ? "=cmd|' /C calc'!A0" : '']);
    }
    for (const r of rows) await w.write(r);
    await w.close();
    const text = readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(rows.length);
    parsed.forEach((p, i) => {
      const [id, label, value, note] = rows[i];
      expect(Number(p.id)).toBe(id);
      expect(p.label).toBe(label);
      expect(p.value === '' ? null : Number(p.value)).toBe(value === null ? null : Number(formatNumber(value)));
      expect(p.note).toBe(note.startsWith('=') ? `'${note}` : note);
    });
  });

  it('writes a byte-order mark when asked (Excel with non-ASCII text)', async () => {
    const file = path.join(tempDir(), 'bom.csv');
    const w = new CsvWriter(file, ['a'], { bom: true });
    await w.write(['é']);
    await w.close();
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parse(bytes, { bom: true, columns: true })).toEqual([{ a: 'é' }]);
  });

  it('refuses a row whose width differs from the header', async () => {
    const w = new CsvWriter(path.join(tempDir(), 'x.csv'), ['a', 'b']);
    await expect(w.write(['1'])).rejects.toThrow(/1 cells, header has 2/);
    await w.abort();
  });
});
