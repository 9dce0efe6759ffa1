// docs/csv.md documents every CSV column the app writes, and its Chinese translation documents the same ones:
// the column names are an interface, so neither document may miss or invent one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMBINED_SUMMARY_COLUMNS, SUMMARY_COLUMNS, TIMELINE_COLUMNS } from '../src-main/core/export/session-export.js';
import { TRENDS_COLUMNS } from '../src-main/core/report/trends.js';

const doc = (name: string) => readFileSync(new URL(`../docs/${name}`, import.meta.url), 'utf8');

/** Column names in the first cell of the documents' table rows, with `a` … `b` ranges and `x_` prefixes as written. */
function documented(md: string): Set<string> {
  const names = new Set<string>();
  for (const line of md.split('\n')) {
    if (!line.startsWith('| `')) continue;
    for (const m of line.split('|')[1].matchAll(/`([a-z0-9_]+)`/g)) names.add(m[1]);
  }
  return names;
}

/** A column counts as documented when named, or inside a documented `first` … `last` run of its family. */
function covered(col: string, names: Set<string>): boolean {
  if (names.has(col)) return true;
  const family = col.replace(/^(face_p|voice_p|fused_p)_.*$/, '$1');
  if (family !== col) return [...names].some((n) => n.startsWith(`${family}_`));
  return /^(neutral|happy|sad|surprise|fear|disgust|angry|contempt)_/.test(col) && [...names].some((n) => n.startsWith('neutral_'));
}

describe('docs/csv.md and docs/csv.zh-CN.md', () => {
  const all = [...TIMELINE_COLUMNS, ...SUMMARY_COLUMNS, ...COMBINED_SUMMARY_COLUMNS, ...TRENDS_COLUMNS];

  it('document every column the app writes, in both languages', () => {
    for (const name of ['csv.md', 'csv.zh-CN.md']) {
      const names = documented(doc(name));
      expect(all.filter((c) => !covered(c, names)), name).toEqual([]);
    }
  });

  it('the Chinese page names exactly the columns the English one does', () => {
    expect([...documented(doc('csv.zh-CN.md'))].sort()).toEqual([...documented(doc('csv.md'))].sort());
  });
});
