import { describe, expect, it } from 'vitest';
import {
  applyChangeset,
  checkTier,
  createSegment,
  deleteSegment,
  editBounds,
  formatMs,
  invertChangeset,
  isNoop,
  relabelSegment,
  type Segment,
  SegmentEditError,
  segmentAt,
  setSegmentNote,
  splitSegment,
} from './segments.js';

function ids(): () => string {
  let n = 0;
  return () => `s${++n}`;
}
const seg = (id: string, startMs: number, endMs: number, label = 'happy', note = ''): Segment => ({ id, startMs, endMs, label, note });

function refused(fn: () => unknown, kind: SegmentEditError['kind'], message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SegmentEditError);
    expect((e as SegmentEditError).kind).toBe(kind);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected the edit to be refused');
}

describe('creating segments from in/out marks', () => {
  it('makes a segment between the marks in either order, rounded to whole ms', () => {
    const cs = createSegment([], { inMs: 2500.4, outMs: 1000 }, ' sad ', ids());
    expect(cs).toEqual({ remove: [], add: [seg('s1', 1000, 2500, 'sad')] });
  });

  it('refuses a segment that overlaps another on the tier, naming it', () => {
    const tier = [seg('a', 1000, 2000, 'happy')];
    refused(() => createSegment(tier, { inMs: 1500, outMs: 3000 }, 'sad', ids()), 'overlap', /overlaps "happy" 0:01\.000–0:02\.000/);
    refused(() => createSegment(tier, { inMs: 0, outMs: 5000 }, 'sad', ids()), 'overlap', /overlaps/);
    refused(() => createSegment(tier, { inMs: 1200, outMs: 1300 }, 'sad', ids()), 'overlap', /overlaps/);
  });

  it('allows segments that only touch', () => {
    const tier = [seg('a', 1000, 2000)];
    const newId = ids();
    const next = applyChangeset(tier, createSegment(tier, { inMs: 2000, outMs: 3000 }, 'sad', newId));
    const prev = applyChangeset(next, createSegment(next, { inMs: 0, outMs: 1000 }, 'angry', newId));
    expect(prev.map((s) => [s.startMs, s.endMs])).toEqual([[0, 1000], [1000, 2000], [2000, 3000]]);
  });

  it('refuses an empty span and a missing label', () => {
    refused(() => createSegment([], { inMs: 1000, outMs: 1000 }, 'sad', ids()), 'invalid', /must end after it starts/);
    refused(() => createSegment([], { inMs: 0, outMs: 10 }, '  ', ids()), 'invalid', /label/);
  });
});

describe('splitting', () => {
  it('splits at the playhead into two touching segments with the same label and note; the left keeps the id', () => {
    const tier = [seg('a', 1000, 3000, 'sad', 'tearful')];
    const cs = splitSegment(tier, 'a', 1800, ids());
    const after = applyChangeset(tier, cs);
    expect(after).toEqual([seg('a', 1000, 1800, 'sad', 'tearful'), seg('s1', 1800, 3000, 'sad', 'tearful')]);
    expect(() => checkTier(after)).not.toThrow();
  });

  it('refuses a split point on or outside the bounds', () => {
    const tier = [seg('a', 1000, 3000)];
    refused(() => splitSegment(tier, 'a', 1000, ids()), 'invalid', /must lie inside/);
    refused(() => splitSegment(tier, 'a', 3000, ids()), 'invalid', /must lie inside/);
    refused(() => splitSegment(tier, 'nope', 2000, ids()), 'not_found', /no longer/);
  });
});

describe('editing bounds, label, note, deleting', () => {
  const tier = [seg('a', 1000, 2000, 'happy'), seg('b', 3000, 4000, 'sad')];

  it('moves a bound up to a neighbour but not across it', () => {
    expect(applyChangeset(tier, editBounds(tier, 'a', { endMs: 3000 }))[0]).toEqual(seg('a', 1000, 3000, 'happy'));
    refused(() => editBounds(tier, 'a', { endMs: 3001 }), 'overlap', /would overlap "sad"/);
    refused(() => editBounds(tier, 'b', { startMs: 4500 }), 'invalid', /must end after it starts/);
  });

  it('relabels, sets a note and deletes', () => {
    expect(applyChangeset(tier, relabelSegment(tier, 'b', 'angry'))[1].label).toBe('angry');
    expect(applyChangeset(tier, setSegmentNote(tier, 'b', 'looks away'))[1].note).toBe('looks away');
    expect(applyChangeset(tier, deleteSegment(tier, 'a'))).toEqual([tier[1]]);
  });

  it('finds the segment under the playhead with half-open bounds', () => {
    expect(segmentAt(tier, 1999)?.id).toBe('a');
    expect(segmentAt(tier, 2000)).toBeUndefined();
    expect(segmentAt(tier, 3000)?.id).toBe('b');
  });

  it('treats an unchanged note as a no-op', () => {
    expect(isNoop(setSegmentNote(tier, 'a', ''))).toBe(true);
    expect(isNoop(setSegmentNote(tier, 'a', 'x'))).toBe(false);
  });
});

describe('applying changesets', () => {
  it('refuses a changeset built on a segment that has since changed (another window)', () => {
    const tier = [seg('a', 1000, 2000, 'happy')];
    const cs = relabelSegment(tier, 'a', 'sad');
    const changedElsewhere = [seg('a', 1000, 2500, 'happy')];
    refused(() => applyChangeset(changedElsewhere, cs), 'stale', /changed elsewhere/);
    refused(() => applyChangeset([], cs), 'stale', /no longer on this tier/);
  });

  it('leaves the tier untouched when any part fails', () => {
    const tier = [seg('a', 0, 1000), seg('b', 2000, 3000)];
    const bad = { remove: [tier[0]], add: [seg('a', 0, 2500)] };
    refused(() => applyChangeset(tier, bad), 'overlap', /overlap/);
    expect(tier).toEqual([seg('a', 0, 1000), seg('b', 2000, 3000)]);
  });

  it('round-trips through the inverse: apply then apply(inverse) gives the original tier', () => {
    const tier = [seg('a', 1000, 3000, 'sad', 'n')];
    const cs = splitSegment(tier, 'a', 2000, ids());
    const after = applyChangeset(tier, cs);
    expect(applyChangeset(after, invertChangeset(cs))).toEqual(tier);
  });

  it('formats times for messages', () => {
    expect(formatMs(0)).toBe('0:00.000');
    expect(formatMs(61_234)).toBe('1:01.234');
    expect(formatMs(3_723_004)).toBe('1:02:03.004');
  });
});
