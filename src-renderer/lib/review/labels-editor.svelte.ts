/**
 * The label tiers of one session as the Review view edits them. Each action builds a changeset with the
 * shared edit rules (src-shared/labels/segments.ts), saves it at once through labels.apply, and goes on the
 * undo stack; undo/redo save the inverse/the same changeset again. The tiers shown are always what the core
 * returned, i.e. what is on disk.
 */
import type { LabelTier } from '../../../src-shared/contract/labels.js';
import {
  type Changeset,
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
} from '../../../src-shared/labels/segments.js';
import { type Command, UndoStack } from '../../../src-shared/labels/undo-stack.js';
import { api } from '../api/client.js';
import { errorMessage } from '../ui/errors.js';
import { t } from '../i18n/i18n.js';

type Action = 'create' | 'bounds' | 'split' | 'delete' | 'relabel' | 'note';

const ACTIVE_RATER_KEY = 'affect.review.activeRater';

export function newSegmentId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const plain = (s: Segment): Segment => ({ id: s.id, startMs: s.startMs, endMs: s.endMs, label: s.label, note: s.note });

export class LabelsEditor {
  vocabulary = $state<string[]>([]);
  tiers = $state<LabelTier[]>([]);
  activeTierId = $state<number | null>(null);
  selectedId = $state<string | null>(null);
  markIn = $state<number | null>(null);
  markOut = $state<number | null>(null);
  message = $state<{ kind: 'error' | 'info'; text: string } | null>(null);
  /** Saves in flight; the UI shows "Saving…" while > 0 and "Saved" after. */
  pending = $state(0);
  undoText = $state<string | null>(null);
  redoText = $state<string | null>(null);
  loaded = $state(false);

  private readonly stack = new UndoStack<Command>();

  constructor(readonly sessionId: number) {}

  get activeTier(): LabelTier | undefined {
    return this.tiers.find((t) => t.id === this.activeTierId);
  }

  get selected(): { tier: LabelTier; segment: Segment } | undefined {
    for (const tier of this.tiers) {
      const segment = tier.segments.find((s) => s.id === this.selectedId);
      if (segment) return { tier, segment };
    }
    return undefined;
  }

  async load(): Promise<void> {
    try {
      const r = await api.call('labels.get', { sessionId: this.sessionId });
      this.vocabulary = r.vocabulary;
      this.tiers = r.tiers;
      const remembered = localStorage.getItem(ACTIVE_RATER_KEY);
      const tier = r.tiers.find((t) => t.rater === remembered) ?? r.tiers[0];
      this.activeTierId = tier?.id ?? null;
      this.loaded = true;
    } catch (e) {
      this.fail(e);
    }
  }

  setActive(tierId: number): void {
    this.activeTierId = tierId;
    const t = this.activeTier;
    if (t) localStorage.setItem(ACTIVE_RATER_KEY, t.rater);
  }

  cycleTier(direction: 1 | -1): void {
    if (!this.tiers.length) return;
    const i = this.tiers.findIndex((t) => t.id === this.activeTierId);
    const next = this.tiers[(i + direction + this.tiers.length) % this.tiers.length];
    this.setActive(next.id);
  }

  async addTier(rater: string): Promise<boolean> {
    try {
      const tier = await api.call('labels.addTier', { sessionId: this.sessionId, rater });
      this.tiers = [...this.tiers, tier];
      this.setActive(tier.id);
      this.info(t('labelsEdit.tierAdded', { rater: tier.rater }));
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  async removeTier(tierId: number): Promise<void> {
    try {
      await api.call('labels.removeTier', { tierId });
      this.tiers = this.tiers.filter((t) => t.id !== tierId);
      if (this.activeTierId === tierId) this.activeTierId = this.tiers[0]?.id ?? null;
    } catch (e) {
      this.fail(e);
    }
  }

  async setVocabulary(items: string[]): Promise<boolean> {
    try {
      this.vocabulary = await api.call('labels.setVocabulary', { items });
      this.info(t('labelsEdit.vocabularySaved'));
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  setMarkIn(ms: number): void {
    this.markIn = Math.round(ms);
    this.info(t('labelsEdit.markIn', { time: formatMs(this.markIn) }));
  }

  setMarkOut(ms: number): void {
    this.markOut = Math.round(ms);
    this.info(t('labelsEdit.markOut', { time: formatMs(this.markOut) }));
  }

  clear(): void {
    this.markIn = null;
    this.markOut = null;
    this.selectedId = null;
    this.message = null;
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  /**
   * A label key: with marks, a new segment on the active tier (in → out, or in → playhead when only in is
   * set); without marks, relabels the selected segment.
   */
  async chooseLabel(index: number, playheadMs: number): Promise<void> {
    const label = this.vocabulary[index];
    if (!label) return this.error(t('labelsEdit.noLabelOnKey', { key: index === 9 ? 0 : index + 1, count: this.vocabulary.length }));
    if (this.markIn !== null || this.markOut !== null) {
      const tier = this.activeTier;
      if (!tier) return this.error(t('labelsEdit.addTierFirst'));
      const inMs = this.markIn ?? playheadMs;
      const outMs = this.markOut ?? playheadMs;
      const ok = await this.edit(tier, 'create', t('labelsEdit.add', { label }), () => createSegment(tier.segments.map(plain), { inMs, outMs }, label, newSegmentId));
      if (ok) {
        this.markIn = null;
        this.markOut = null;
        this.selectedId = ok.add[0].id;
      }
      return;
    }
    const sel = this.selected;
    if (!sel) return this.error(t('labelsEdit.markFirst'));
    await this.edit(sel.tier, 'relabel', t('labelsEdit.relabel', { label }), () => relabelSegment(sel.tier.segments.map(plain), sel.segment.id, label));
  }

  async split(playheadMs: number): Promise<void> {
    const tier = this.activeTier;
    if (!tier) return this.error(t('labelsEdit.addTierFirst'));
    const seg = segmentAt(tier.segments, playheadMs);
    if (!seg) return this.error(t('labelsEdit.noSegmentUnder', { rater: tier.rater }));
    await this.edit(tier, 'split', t('labelsEdit.split'), () => splitSegment(tier.segments.map(plain), seg.id, playheadMs, newSegmentId));
  }

  async deleteSelected(): Promise<void> {
    const sel = this.selected;
    if (!sel) return this.error(t('labelsEdit.selectToDelete'));
    const ok = await this.edit(sel.tier, 'delete', t('labelsEdit.delete', { label: sel.segment.label }), () => deleteSegment(sel.tier.segments.map(plain), sel.segment.id));
    if (ok) this.selectedId = null;
  }

  async setNote(id: string, note: string): Promise<void> {
    const sel = this.tiers.find((t) => t.segments.some((s) => s.id === id));
    if (!sel) return;
    await this.edit(sel, 'note', t('labelsEdit.note'), () => setSegmentNote(sel.segments.map(plain), id, note));
  }

  async relabel(id: string, label: string): Promise<void> {
    const tier = this.tiers.find((t) => t.segments.some((s) => s.id === id));
    if (!tier) return;
    await this.edit(tier, 'relabel', t('labelsEdit.relabel', { label }), () => relabelSegment(tier.segments.map(plain), id, label));
  }

  async setBounds(id: string, bounds: { startMs?: number; endMs?: number }): Promise<void> {
    const tier = this.tiers.find((t) => t.segments.some((s) => s.id === id));
    if (!tier) return;
    await this.edit(tier, 'bounds', t('labelsEdit.bounds'), () => editBounds(tier.segments.map(plain), id, bounds));
  }

  /** Selects the segment before/after the playhead on the active tier; returns it so the caller can seek. */
  adjacent(direction: 1 | -1, playheadMs: number): Segment | undefined {
    const segs = this.activeTier?.segments ?? [];
    const seg = direction > 0 ? segs.find((s) => s.startMs > playheadMs + 0.5) : [...segs].reverse().find((s) => s.startMs < playheadMs - 0.5);
    if (seg) this.selectedId = seg.id;
    return seg;
  }

  async undo(): Promise<void> {
    try {
      const c = await this.stack.undo();
      this.info(c ? t('labelsEdit.undone', { what: c.description }) : t('labelsEdit.nothingToUndo'));
    } catch (e) {
      this.fail(e);
    }
    this.syncStackText();
  }

  async redo(): Promise<void> {
    try {
      const c = await this.stack.redo();
      this.info(c ? t('labelsEdit.redone', { what: c.description }) : t('labelsEdit.nothingToRedo'));
    } catch (e) {
      this.fail(e);
    }
    this.syncStackText();
  }

  private async save(tierId: number, action: Action | 'undo' | 'redo', changeset: Changeset): Promise<void> {
    this.pending++;
    try {
      const tier = await api.call('labels.apply', { tierId, action, changeset });
      this.tiers = this.tiers.map((t) => (t.id === tier.id ? tier : t));
    } finally {
      this.pending--;
    }
  }

  /** Builds a changeset (refusals from the edit rules shown as messages), saves it, records it for undo. */
  private async edit(tier: LabelTier, action: Action, description: string, build: () => Changeset): Promise<Changeset | null> {
    let cs: Changeset;
    try {
      cs = build();
    } catch (e) {
      if (e instanceof SegmentEditError) this.error(e.message);
      else this.fail(e);
      return null;
    }
    if (isNoop(cs)) return cs;
    let ran = false;
    const cmd: Command = {
      description,
      run: async () => {
        await this.save(tier.id, ran ? 'redo' : action, cs);
        ran = true;
      },
      revert: () => this.save(tier.id, 'undo', invertChangeset(cs)),
    };
    try {
      await this.stack.execute(cmd);
      this.message = null;
      this.syncStackText();
      return cs;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  private syncStackText(): void {
    this.undoText = this.stack.nextUndo?.description ?? null;
    this.redoText = this.stack.nextRedo?.description ?? null;
  }

  private info(text: string): void {
    this.message = { kind: 'info', text };
  }

  private error(text: string): void {
    this.message = { kind: 'error', text };
  }

  private fail(e: unknown): void {
    this.error(errorMessage(e));
  }
}
