import { describe, expect, it } from 'vitest';
import { applyChangeset, type Changeset, createSegment, invertChangeset, type Segment, splitSegment } from './segments.js';
import { type Command, UndoStack } from './undo-stack.js';

/** A tier stored "remotely": commands apply changesets to it, as the label store does. */
class FakeStore {
  tier: Segment[] = [];
  failNext = false;
  async apply(cs: Changeset): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('save refused');
    }
    this.tier = applyChangeset(this.tier, cs);
  }
}

function edit(store: FakeStore, description: string, cs: Changeset): Command {
  return { description, run: () => store.apply(cs), revert: () => store.apply(invertChangeset(cs)) };
}

let n = 0;
const newId = () => `id${++n}`;

describe('undo/redo of label edits', () => {
  it('undoes and redoes create and split in order, and a new edit clears redo', async () => {
    const store = new FakeStore();
    const stack = new UndoStack();
    await stack.execute(edit(store, 'add segment', createSegment(store.tier, { inMs: 0, outMs: 2000 }, 'happy', newId)));
    const first = store.tier[0];
    await stack.execute(edit(store, 'split', splitSegment(store.tier, first.id, 500, newId)));
    expect(store.tier.map((s) => [s.startMs, s.endMs])).toEqual([[0, 500], [500, 2000]]);

    expect((await stack.undo())?.description).toBe('split');
    expect(store.tier).toEqual([first]);
    expect((await stack.undo())?.description).toBe('add segment');
    expect(store.tier).toEqual([]);
    expect(await stack.undo()).toBeUndefined();

    await stack.redo();
    expect(store.tier).toEqual([first]);
    expect(stack.canRedo).toBe(true);
    await stack.execute(edit(store, 'add another', createSegment(store.tier, { inMs: 3000, outMs: 4000 }, 'sad', newId)));
    expect(stack.canRedo).toBe(false);
    expect(await stack.redo()).toBeUndefined();
  });

  it('runs quick successive undos one after the other, never the same step twice', async () => {
    const store = new FakeStore();
    const stack = new UndoStack();
    for (let i = 0; i < 3; i++) {
      await stack.execute(edit(store, `add ${i}`, createSegment(store.tier, { inMs: i * 1000, outMs: i * 1000 + 500 }, 'happy', newId)));
    }
    const undone = await Promise.all([stack.undo(), stack.undo(), stack.undo()]);
    expect(undone.map((c) => c?.description)).toEqual(['add 2', 'add 1', 'add 0']);
    expect(store.tier).toEqual([]);
  });

  it('keeps a command on its stack when its save fails', async () => {
    const store = new FakeStore();
    const stack = new UndoStack();
    await stack.execute(edit(store, 'add', createSegment(store.tier, { inMs: 0, outMs: 500 }, 'happy', newId)));
    store.failNext = true;
    await expect(stack.undo()).rejects.toThrow('save refused');
    expect(store.tier).toHaveLength(1);
    expect(stack.nextUndo?.description).toBe('add');
    await stack.undo();
    expect(store.tier).toHaveLength(0);
    store.failNext = true;
    await expect(stack.execute(edit(store, 'x', createSegment(store.tier, { inMs: 0, outMs: 5 }, 'sad', newId)))).rejects.toThrow();
    expect(stack.canUndo).toBe(false);
    expect(stack.nextRedo?.description).toBe('add');
  });

  it('forgets the oldest steps past its limit', async () => {
    const store = new FakeStore();
    const stack = new UndoStack(2);
    for (let i = 0; i < 3; i++) await stack.execute(edit(store, `add ${i}`, createSegment(store.tier, { inMs: i * 10, outMs: i * 10 + 5 }, 'x', newId)));
    await stack.undo();
    await stack.undo();
    expect(stack.canUndo).toBe(false);
    expect(store.tier).toHaveLength(1);
  });
});
