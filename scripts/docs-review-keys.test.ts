import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEY_BINDINGS } from '../src-renderer/lib/review/keymap.js';

/** docs/review-keys.md and the in-app "?" list come from the same key map; this keeps the document honest. */
describe('docs/review-keys.md', () => {
  const doc = readFileSync(new URL('../docs/review-keys.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));

  it('lists every binding of the Review key map with all its keys', () => {
    for (const b of KEY_BINDINGS) {
      const row = rows.find((l) => b.keys.filter((k) => k !== '…').every((k) => l.includes(`\`${k}\``)));
      expect(row, `no row for ${b.action} (${b.keys.join(', ')})`).toBeDefined();
    }
  });

  it('documents no key the map does not have', () => {
    const known = new Set(KEY_BINDINGS.flatMap((b) => b.keys));
    const documented = rows.flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(documented.filter((k) => !known.has(k))).toEqual([]);
  });
});
