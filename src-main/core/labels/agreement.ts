/**
 * Agreement between two raters, or a rater and the model, over one or more sessions: each session's tiers
 * are put on a time grid (src-shared/labels/agreement-grid.ts), the per-session confusion matrices are
 * pooled by adding them, and Cohen's kappa is computed per session and on the pooled matrix.
 */
import type { AgreementResult, AgreementSide } from '../../../src-shared/contract/labels.js';
import { CORE_EMOTION_COUNT, EMOTIONS } from '../../../src-shared/emotions.js';
import { type ModelSample, NO_LABEL, type PairCounts, raterVsModel, raterVsRater } from '../../../src-shared/labels/agreement-grid.js';
import { addConfusions, cohensKappa, type Confusion, confusionMatrix } from '../../../src-shared/labels/kappa.js';
import type { Segment } from '../../../src-shared/labels/segments.js';
import type { ReviewRun, TimelineSource } from '../review/timeline-source.js';
import { ApiError } from '../../../src-shared/errors.js';

/** Grid instants one agreement request may compare in all (10 M: about 28 h of labels at a 10 ms grid). */
export const MAX_GRID_INSTANTS = 10_000_000;

export interface AgreementSources {
  vocabulary(): string[];
  /** The latest time labels in a session can mean: its media duration, or a generous bound when unknown. */
  limitMs(sessionId: number): number;
  participantCode(sessionId: number): string;
  /** The rater's segments in a session, or null when the session has no tier for that rater. */
  tier(sessionId: number, rater: string): Segment[] | null;
  /** The model's fused grid for a session, or null when it has no analysis with a fused timeline. */
  model(sessionId: number): { gridStepMs: number; samples: ModelSample[] } | null;
}

export interface AgreementRequest {
  sessionIds: number[];
  a: AgreementSide;
  b: AgreementSide;
  gridMs: number;
  includeUnlabelled: boolean;
}

/** A run's fused grid as the model side of an agreement; null when the run has no fused timeline. */
export function modelSamples(timeline: Pick<TimelineSource, 'fused'>, run: Pick<ReviewRun, 'id' | 'gridStepMs'>): { gridStepMs: number; samples: ModelSample[] } | null {
  const f = timeline.fused(run.id);
  if (!f.t.length) return null;
  const samples = Array.from(f.t, (tMs, i) => {
    const probs = EMOTIONS.map((_, c) => f.probs[c][i]);
    // Contempt may have no value (NaN) at a step with an estimate: the seven other classes decide.
    const ok = probs.slice(0, CORE_EMOTION_COUNT).every(Number.isFinite);
    return { tMs, probs: ok ? probs : null, reliable: ok };
  });
  return { gridStepMs: run.gridStepMs ?? 100, samples };
}

const noSkips = () => ({ onlyA: 0, onlyB: 0, modelUnreliable: 0, notModelClass: 0 });

export function computeAgreement(src: AgreementSources, req: AgreementRequest): AgreementResult {
  if (req.a.kind !== 'rater') throw new Error('Side A must be a rater');
  const raterA = req.a.rater;
  const categories = req.b.kind === 'model' ? [...EMOTIONS] : [...src.vocabulary(), ...(req.includeUnlabelled ? [NO_LABEL] : [])];
  let gridMs = req.gridMs;
  const perSession: AgreementResult['perSession'] = [];
  const matrices: Confusion[] = [];
  const totalSkipped = noSkips();

  let instants = 0;
  for (const sessionId of req.sessionIds) {
    const participantCode = src.participantCode(sessionId);
    const limit = src.limitMs(sessionId);
    // Segments stored before the bounds existed (or edited elsewhere) count only within the session.
    const clip = (segs: Segment[] | null) => segs && segs.filter((x) => x.startMs < limit).map((x) => ({ ...x, endMs: Math.min(x.endMs, limit) }));
    const a = clip(src.tier(sessionId, raterA));
    let counts: PairCounts | null = null;
    let missing: string | null = null;
    if (!a) missing = `no tier for rater "${raterA}"`;
    else if (req.b.kind === 'rater') {
      const b = clip(src.tier(sessionId, req.b.rater));
      if (!b) missing = `no tier for rater "${req.b.rater}"`;
      else {
        const end = Math.max(0, ...a.map((x) => x.endMs), ...b.map((x) => x.endMs));
        instants += Math.ceil(end / req.gridMs);
        if (instants > MAX_GRID_INSTANTS) throw new ApiError('invalid_input', `Too much labelled time to compare at a ${req.gridMs} ms grid in one request; choose fewer sessions or a coarser grid`);
        counts = raterVsRater(a, b, { stepMs: req.gridMs, includeUnlabelled: req.includeUnlabelled });
      }
    } else {
      const model = src.model(sessionId);
      if (!model) missing = 'not analysed (no fused timeline)';
      else {
        gridMs = model.gridStepMs;
        counts = raterVsModel(a, model.samples);
      }
    }
    const c = confusionMatrix(counts?.pairs ?? [], categories);
    const k = cohensKappa(c);
    const skipped = counts?.skipped ?? noSkips();
    for (const key of Object.keys(totalSkipped) as (keyof typeof totalSkipped)[]) totalSkipped[key] += skipped[key];
    if (counts) matrices.push(c);
    perSession.push({ sessionId, participantCode, missing, skipped, ...k });
  }
  const pooled = addConfusions(matrices, categories);
  return { ...cohensKappa(pooled), gridMs, categories: pooled.categories, matrix: pooled.matrix, skipped: totalSkipped, perSession };
}
