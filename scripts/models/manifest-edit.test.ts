import { describe, expect, it } from 'vitest';
import { upsertCardSection, upsertEntry } from './manifest-edit.js';

describe('manifest and model-card edits touch only their own part', () => {
  it('replaces an entry by id in place and appends a new one, keeping the others', () => {
    const before = JSON.stringify({ models: [{ id: 'a', v: 1 }, { id: 'b', v: 1 }], extra: true });
    const after = JSON.parse(upsertEntry(upsertEntry(before, { id: 'a', v: 2 } as { id: string }), { id: 'c' })) as { models: Array<{ id: string; v?: number }>; extra: boolean };
    expect(after.models.map((m) => [m.id, m.v])).toEqual([['a', 2], ['b', 1], ['c', undefined]]);
    expect(after.extra).toBe(true);
  });

  it('replaces a marked card section and leaves text around it alone', () => {
    const card = upsertCardSection('# Card\n\nintro\n', 'x', 'first');
    const withOther = `${card}\n## someone else's section\n`;
    const updated = upsertCardSection(withOther, 'x', 'second');
    expect(updated).toContain('second');
    expect(updated).not.toContain('first');
    expect(updated).toContain("## someone else's section");
    expect(updated.startsWith('# Card\n\nintro')).toBe(true);
  });
});
