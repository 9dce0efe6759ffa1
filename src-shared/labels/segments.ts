/**
 * Label segments on one tier (one rater) and the edits a rater makes to them, as pure functions.
 *
 * Rules (as on an ELAN time-aligned tier or a BORIS state event per subject):
 * - A segment covers the half-open interval [startMs, endMs): start < end, both whole milliseconds ≥ 0.
 * - Segments on one tier never overlap. Touching is allowed (one may end exactly where the next starts).
 *   An edit that would overlap is refused with a message naming the segment in the way; nothing is
 *   trimmed or moved silently.
 * - Split at t needs start < t < end: the left part keeps the segment's id, the right part gets a new id;
 *   both keep the label and the note.
 *
 * Every edit returns a Changeset (segments removed, segments added, each in full). The core applies it
 * atomically and checks that what is removed is still exactly what the rater saw, so two windows cannot
 * silently overwrite each other; undo applies the inverse changeset.
 */
import { enText } from '../i18n/errors.js';
import type { MessageKey } from '../i18n/i18n.js';

export interface Segment {
  /** Stable across undo/redo: made by the editor (a UUID), never reused for another segment. */
  id: string;
  startMs: number;
  endMs: number;
  label: string;
  note: string;
}

export interface Changeset {
  remove: Segment[];
  add: Segment[];
}

/** A refused edit, written for the rater: a catalogue entry (`key`, `vars`), in English in `message`. */
export class SegmentEditError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly kind: 'invalid' | 'overlap' | 'not_found' | 'stale',
    readonly vars?: Record<string, string | number>,
  ) {
    super(enText(key, vars));
    this.name = 'SegmentEditError';
  }
}

export const MAX_NOTE_LENGTH = 2000;

/** m:ss.mmm (h:mm:ss.mmm past an hour), as shown on the tiers and in messages. */
export function formatMs(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}

const describe = (s: Segment) => `"${s.label}" ${formatMs(s.startMs)}–${formatMs(s.endMs)}`;

export function sortSegments(segments: readonly Segment[]): Segment[] {
  return [...segments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || (a.id < b.id ? -1 : 1));
}

export function sameSegment(a: Segment, b: Segment): boolean {
  return a.id === b.id && a.startMs === b.startMs && a.endMs === b.endMs && a.label === b.label && a.note === b.note;
}

/** The segment covering t (start ≤ t < end), if any. Segments need not be sorted. */
export function segmentAt(segments: readonly Segment[], t: number): Segment | undefined {
  return segments.find((s) => s.startMs <= t && t < s.endMs);
}

/** Checks one segment on its own: whole ms, non-negative, non-empty span, single-line label, note length. */
export function checkSegment(s: Segment): void {
  if (!Number.isInteger(s.startMs) || !Number.isInteger(s.endMs) || s.startMs < 0) {
    throw new SegmentEditError('errors.segment.wholeMs', 'invalid');
  }
  if (s.endMs <= s.startMs) throw new SegmentEditError('errors.segment.endAfterStart', 'invalid', { start: formatMs(s.startMs), end: formatMs(s.endMs) });
  if (!s.label.trim() || /[\r\n\t]/.test(s.label)) throw new SegmentEditError('errors.segment.singleLine', 'invalid');
  if (s.note.length > MAX_NOTE_LENGTH) throw new SegmentEditError('errors.segment.noteTooLong', 'invalid', { max: MAX_NOTE_LENGTH });
}

/** The first segment of `others` that overlaps [start, end), ignoring the ids in `except`. */
export function findOverlap(others: readonly Segment[], startMs: number, endMs: number, except: ReadonlySet<string> = new Set()): Segment | undefined {
  return others.find((o) => !except.has(o.id) && o.startMs < endMs && startMs < o.endMs);
}

/** Throws unless the whole tier is valid: every segment checks out, ids unique, no two overlap. */
export function checkTier(segments: readonly Segment[]): void {
  const sorted = sortSegments(segments);
  const ids = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i];
    checkSegment(s);
    if (ids.has(s.id)) throw new SegmentEditError('errors.segment.idTwice', 'invalid', { id: s.id });
    ids.add(s.id);
    const prev = sorted[i - 1];
    if (prev && prev.endMs > s.startMs) throw new SegmentEditError('errors.segment.overlap', 'overlap', { what: describe(s), other: describe(prev) });
  }
}

/**
 * Applies a changeset to a tier. Every removed segment must still be there exactly as given (else 'stale':
 * someone else changed it), and the result must be a valid tier. Returns the new tier, sorted.
 */
export function applyChangeset(segments: readonly Segment[], cs: Changeset): Segment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  for (const r of cs.remove) {
    const current = byId.get(r.id);
    if (!current) throw new SegmentEditError('errors.segment.gone', 'stale', { what: describe(r) });
    if (!sameSegment(current, r)) throw new SegmentEditError('errors.segment.changed', 'stale', { what: describe(r) });
    byId.delete(r.id);
  }
  for (const a of cs.add) {
    checkSegment(a);
    if (byId.has(a.id)) throw new SegmentEditError('errors.segment.idExists', 'invalid', { id: a.id });
    const hit = findOverlap([...byId.values()], a.startMs, a.endMs);
    if (hit) throw new SegmentEditError('errors.segment.overlap', 'overlap', { what: describe(a), other: describe(hit) });
    byId.set(a.id, a);
  }
  return sortSegments([...byId.values()]);
}

export function invertChangeset(cs: Changeset): Changeset {
  return { remove: cs.add, add: cs.remove };
}

function find(segments: readonly Segment[], id: string): Segment {
  const s = segments.find((x) => x.id === id);
  if (!s) throw new SegmentEditError('errors.segment.notFound', 'not_found');
  return s;
}

/** A new segment between two marks (in either order), refused if it would overlap another. */
export function createSegment(tier: readonly Segment[], marks: { inMs: number; outMs: number }, label: string, newId: () => string, note = ''): Changeset {
  const startMs = Math.round(Math.min(marks.inMs, marks.outMs));
  const endMs = Math.round(Math.max(marks.inMs, marks.outMs));
  const seg: Segment = { id: newId(), startMs, endMs, label: label.trim(), note };
  checkSegment(seg);
  const hit = findOverlap(tier, startMs, endMs);
  if (hit) throw new SegmentEditError('errors.segment.newOverlaps', 'overlap', { start: formatMs(startMs), end: formatMs(endMs), other: describe(hit) });
  return { remove: [], add: [seg] };
}

/** New start and/or end for a segment; the other bound stays. Refused if it would overlap a neighbour. */
export function editBounds(tier: readonly Segment[], id: string, bounds: { startMs?: number; endMs?: number }): Changeset {
  const old = find(tier, id);
  const next: Segment = { ...old, startMs: Math.round(bounds.startMs ?? old.startMs), endMs: Math.round(bounds.endMs ?? old.endMs) };
  checkSegment(next);
  const hit = findOverlap(tier, next.startMs, next.endMs, new Set([id]));
  if (hit) throw new SegmentEditError('errors.segment.moveOverlaps', 'overlap', { what: describe(old), start: formatMs(next.startMs), end: formatMs(next.endMs), other: describe(hit) });
  return { remove: [old], add: [next] };
}

/** Splits a segment at t (strictly inside it) into two touching segments with the same label and note. */
export function splitSegment(tier: readonly Segment[], id: string, atMs: number, newId: () => string): Changeset {
  const old = find(tier, id);
  const t = Math.round(atMs);
  if (t <= old.startMs || t >= old.endMs) {
    throw new SegmentEditError('errors.segment.splitOutside', 'invalid', { at: formatMs(t), what: describe(old) });
  }
  return { remove: [old], add: [{ ...old, endMs: t }, { ...old, id: newId(), startMs: t }] };
}

export function deleteSegment(tier: readonly Segment[], id: string): Changeset {
  return { remove: [find(tier, id)], add: [] };
}

export function relabelSegment(tier: readonly Segment[], id: string, label: string): Changeset {
  const old = find(tier, id);
  const next = { ...old, label: label.trim() };
  checkSegment(next);
  return { remove: [old], add: [next] };
}

export function setSegmentNote(tier: readonly Segment[], id: string, note: string): Changeset {
  const old = find(tier, id);
  const next = { ...old, note };
  checkSegment(next);
  return { remove: [old], add: [next] };
}

/** True when a changeset changes nothing (e.g. a note saved unchanged): not worth an undo step or a write. */
export function isNoop(cs: Changeset): boolean {
  if (cs.remove.length !== cs.add.length) return false;
  return cs.remove.every((r) => cs.add.some((a) => sameSegment(a, r)));
}
