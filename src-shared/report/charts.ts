/**
 * The report's charts as drawings (./drawing.ts), in the report's language:
 * - the emotion timeline: fused probabilities as stacked areas, an episode strip, face and voice alone beneath,
 *   valence and arousal, the time without an estimate shaded, on one time axis;
 * - emotion shares: one bar per emotion, the share of the estimated time it was dominant.
 * Pure geometry from the report's figures: nothing here knows SVG or PDF.
 */
import type { Series } from '../contract/review.js';
import type { ParticipantTrends } from '../contract/trends.js';
import { EMOTIONS } from '../emotions.js';
import { formatClockTime, formatDate, formatNumber, formatPercent } from '../i18n/format.js';
import { translator, type Locale } from '../i18n/i18n.js';
import type { Drawing, Shape } from './drawing.js';
import { AROUSAL_COLOR, EMOTION_COLORS, VALENCE_COLOR } from './palette.js';
import type { ReportData } from './report-data.js';

const INK = '#1f2328';
const MUTED = '#6e7781';
const GRID = '#d0d7de';
const NO_ESTIMATE = '#8c959f';

const GUTTER = 62;
const RIGHT = 6;

/** A tick every 1 s … 2 h, the first step that gives at most `max` ticks. */
const TICK_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
export function tickStepMs(spanMs: number, max = 8): number {
  for (const s of TICK_STEPS_S) if (spanMs / (s * 1000) <= max) return s * 1000;
  return TICK_STEPS_S[TICK_STEPS_S.length - 1] * 1000;
}

interface Panel {
  y: number;
  h: number;
}

/**
 * Runs of consecutive points that all have values, split where the time between two points is more than
 * 2.5 × the series' spacing (no speech between voice windows is a gap, not a line across it).
 */
export function valueRuns(s: Series, channels: number[]): Array<[number, number]> {
  const n = s.t.length;
  // Points closer than 2.5 × their usual spacing belong together (buckets or windows, whichever is wider).
  const step = medianStep(s.t);
  const spacing = step === null ? s.bucketMs : Math.max(step, s.bucketMs ?? 0);
  const runs: Array<[number, number]> = [];
  let start = -1;
  const ok = (i: number) => channels.every((c) => s.mean[c][i] !== null);
  for (let i = 0; i < n; i++) {
    const good = ok(i);
    const joined = start >= 0 && good && (spacing === null || s.t[i] - s.t[i - 1] <= 2.5 * spacing);
    if (start >= 0 && !joined) {
      runs.push([start, i - 1]);
      start = -1;
    }
    if (good && start < 0) start = i;
  }
  if (start >= 0) runs.push([start, n - 1]);
  return runs;
}

function medianStep(t: number[]): number | null {
  if (t.length < 2) return null;
  const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  return d[d.length >> 1];
}

/** Stacked areas of seven probabilities (each point's values scaled to sum 1), one polygon per emotion and run. */
function stackedAreas(s: Series, x: (ms: number) => number, p: Panel, out: Shape[]): void {
  const all = EMOTIONS.map((_, i) => i);
  const half = (s.bucketMs ?? medianStep(s.t) ?? 100) / 2;
  for (const [a, b] of valueRuns(s, all)) {
    // A lone point is drawn as wide as its bucket, so it is visible.
    const idx = a === b ? [a, a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
    const xs = a === b ? [x(s.t[a] - half), x(s.t[a] + half)] : idx.map((i) => x(s.t[i]));
    const totals = idx.map((i) => all.reduce((acc, c) => acc + (s.mean[c][i] as number), 0) || 1);
    let lower = idx.map(() => 0);
    for (const c of all) {
      const upper = idx.map((i, k) => lower[k] + (s.mean[c][i] as number) / totals[k]);
      const pts: number[] = [];
      for (let k = 0; k < idx.length; k++) pts.push(xs[k], p.y + p.h * (1 - upper[k]));
      for (let k = idx.length - 1; k >= 0; k--) pts.push(xs[k], p.y + p.h * (1 - lower[k]));
      out.push({ kind: 'polygon', points: pts.map(round1), fill: EMOTION_COLORS[EMOTIONS[c]] });
      lower = upper;
    }
  }
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function linesOf(s: Series, channel: number, x: (ms: number) => number, y: (v: number) => number, stroke: string, width: number, dash: number[] | undefined, out: Shape[]): void {
  for (const [a, b] of valueRuns(s, [channel])) {
    const pts: number[] = [];
    for (let i = a; i <= b; i++) pts.push(round1(x(s.t[i])), round1(y(s.mean[channel][i] as number)));
    if (a === b) pts.push(pts[0] + 1, pts[1]);
    out.push({ kind: 'polyline', points: pts, stroke, width, ...(dash ? { dash } : {}) });
  }
}

function panelFrame(label: string, p: Panel, width: number, size: number, out: Shape[], ticks: Array<[number, string]>): void {
  out.push({ kind: 'rect', x: GUTTER, y: p.y, w: width - GUTTER - RIGHT, h: p.h, fill: '#ffffff', stroke: GRID });
  out.push({ kind: 'text', x: 2, y: p.y + p.h / 2, text: label, size, color: INK, anchor: 'start', bold: true });
  for (const [frac, text] of ticks) {
    const ty = p.y + p.h * (1 - frac);
    out.push({ kind: 'text', x: GUTTER - 3, y: ty, text, size: size - 1.5, color: MUTED, anchor: 'end' });
  }
}

export interface ChartOptions {
  width: number;
  /** Base text size (pt / px). */
  fontSize?: number;
}

/** The emotion timeline of the report, as wide as asked. */
export function timelineDrawing(r: ReportData, locale: Locale, o: ChartOptions): Drawing {
  const t = translator(locale);
  const fs = o.fontSize ?? 7.5;
  const W = o.width;
  const plotW = W - GUTTER - RIGHT;
  const { fromMs, toMs } = r.timeline;
  const span = Math.max(1, toMs - fromMs);
  const x = (ms: number) => GUTTER + (Math.min(Math.max(ms, fromMs), toMs) - fromMs) / span * plotW;
  const shapes: Shape[] = [];

  // Legend: the seven emotions, then the marks.
  let lx = GUTTER;
  const ly = fs;
  const legendItem = (color: string, text: string, kind: 'box' | 'line' | 'dash'): void => {
    if (kind === 'box') shapes.push({ kind: 'rect', x: lx, y: ly - fs * 0.4, w: fs * 0.8, h: fs * 0.8, fill: color });
    else shapes.push({ kind: 'line', x1: lx, y1: ly, x2: lx + fs * 1.4, y2: ly, stroke: color, width: 1.4, ...(kind === 'dash' ? { dash: [3, 2] } : {}) });
    const tx = lx + (kind === 'box' ? fs * 0.8 : fs * 1.4) + 2;
    shapes.push({ kind: 'text', x: tx, y: ly, text, size: fs, color: INK, anchor: 'start' });
    lx = tx + text.length * fs * (locale === 'zh-CN' ? 1.0 : 0.5) + fs * 1.2;
  };
  for (const e of EMOTIONS) legendItem(EMOTION_COLORS[e], t(`emotion.${e}`), 'box');
  let lx2 = GUTTER;
  const ly2 = ly + fs * 1.6;
  const legend2 = (draw: () => void, text: string, wBox: number): void => {
    draw();
    shapes.push({ kind: 'text', x: lx2 + wBox + 2, y: ly2, text, size: fs, color: INK, anchor: 'start' });
    lx2 += wBox + 2 + text.length * fs * (locale === 'zh-CN' ? 1.0 : 0.5) + fs * 1.2;
  };
  legend2(() => shapes.push({ kind: 'rect', x: lx2, y: ly2 - fs * 0.4, w: fs * 1.4, h: fs * 0.8, fill: NO_ESTIMATE, opacity: 0.35 }), t('report.chart.noEstimate'), fs * 1.4);
  legend2(() => shapes.push({ kind: 'line', x1: lx2, y1: ly2, x2: lx2 + fs * 1.4, y2: ly2, stroke: VALENCE_COLOR, width: 1.4 }), t('timeline.valence'), fs * 1.4);
  legend2(() => shapes.push({ kind: 'line', x1: lx2, y1: ly2, x2: lx2 + fs * 1.4, y2: ly2, stroke: AROUSAL_COLOR, width: 1.4, dash: [3, 2] }), t('timeline.arousal'), fs * 1.4);

  let y = ly2 + fs * 1.4;
  const gap = fs * 0.9;
  const probTicks: Array<[number, string]> = [[0, '0'], [1, '1']];

  // Fused, with the time without an estimate shaded.
  const fused: Panel = { y, h: 84 };
  panelFrame(t('report.chart.fused'), fused, W, fs, shapes, probTicks);
  for (const sp of r.timeline.noEstimate) {
    const x0 = x(sp.startMs);
    const x1 = x(sp.endMs);
    if (x1 - x0 > 0.05) shapes.push({ kind: 'rect', x: round1(x0), y: fused.y, w: Math.max(0.3, round1(x1 - x0)), h: fused.h, fill: NO_ESTIMATE, opacity: 0.35 });
  }
  if (r.timeline.fused) stackedAreas(r.timeline.fused, x, fused, shapes);
  y += fused.h + gap * 0.5;

  // Episodes: one strip, each episode in its emotion's colour.
  const strip: Panel = { y, h: 10 };
  shapes.push({ kind: 'rect', x: GUTTER, y: strip.y, w: plotW, h: strip.h, fill: '#f6f8fa', stroke: GRID });
  shapes.push({ kind: 'text', x: 2, y: strip.y + strip.h / 2, text: t('report.chart.episodes'), size: fs, color: INK, anchor: 'start', bold: true });
  for (const e of r.episodes) {
    const x0 = x(e.startMs);
    shapes.push({ kind: 'rect', x: round1(x0), y: strip.y + 1, w: Math.max(0.8, round1(x(e.endMs) - x0)), h: strip.h - 2, fill: EMOTION_COLORS[e.emotion] });
  }
  y += strip.h + gap;

  // Face and voice alone, smaller, beneath.
  for (const [key, series] of [
    ['report.chart.face', r.timeline.face],
    ['report.chart.voice', r.timeline.voice],
  ] as const) {
    const p: Panel = { y, h: 42 };
    panelFrame(t(key), p, W, fs, shapes, probTicks);
    if (series) stackedAreas(series, x, p, shapes);
    y += p.h + gap;
  }

  // Valence and arousal, −1..1 around a zero line.
  const affect: Panel = { y, h: 42 };
  panelFrame(t('report.chart.affect'), affect, W, fs, shapes, [[0, '−1'], [0.5, '0'], [1, '1']]);
  const ay = (v: number) => affect.y + affect.h * (1 - (v + 1) / 2);
  shapes.push({ kind: 'line', x1: GUTTER, y1: ay(0), x2: W - RIGHT, y2: ay(0), stroke: GRID, width: 0.5 });
  if (r.timeline.affect) {
    linesOf(r.timeline.affect, 0, x, ay, VALENCE_COLOR, 0.9, undefined, shapes);
    linesOf(r.timeline.affect, 1, x, ay, AROUSAL_COLOR, 0.9, [3, 2], shapes);
  }
  y += affect.h;

  // Time axis.
  const step = tickStepMs(span);
  for (let ms = Math.ceil(fromMs / step) * step; ms <= toMs + 0.5; ms += step) {
    const tx = x(ms);
    shapes.push({ kind: 'line', x1: tx, y1: fused.y, x2: tx, y2: y, stroke: GRID, width: 0.3, dash: [1, 2] });
    shapes.push({ kind: 'line', x1: tx, y1: y, x2: tx, y2: y + 3, stroke: MUTED, width: 0.5 });
    // Labels at the ends of the axis stay inside the chart.
    const anchor = tx - GUTTER < fs * 1.5 ? 'start' : W - RIGHT - tx < fs * 1.5 ? 'end' : 'middle';
    shapes.push({ kind: 'text', x: tx, y: y + 3 + fs * 0.7, text: formatClockTime(ms), size: fs - 0.5, color: MUTED, anchor });
  }
  y += 3 + fs * 1.4;
  return { width: W, height: Math.ceil(y), title: t('report.chart.timelineTitle'), shapes };
}

/** One bar per emotion: the share of the time with an estimate during which it was dominant. */
export function sharesDrawing(r: ReportData, locale: Locale, o: ChartOptions): Drawing {
  const t = translator(locale);
  const fs = o.fontSize ?? 8;
  const W = o.width;
  const row = fs * 1.9;
  const labelW = 60;
  const valueW = 34;
  const barMax = W - labelW - valueW;
  const shapes: Shape[] = [];
  r.emotions.forEach((e, i) => {
    const y = i * row;
    const share = e.dominantShare ?? 0;
    shapes.push({ kind: 'text', x: 0, y: y + row / 2, text: t(`emotion.${e.emotion}`), size: fs, color: INK, anchor: 'start' });
    shapes.push({ kind: 'rect', x: labelW, y: y + row * 0.18, w: barMax, h: row * 0.64, fill: '#f6f8fa' });
    if (share > 0) shapes.push({ kind: 'rect', x: labelW, y: y + row * 0.18, w: Math.max(0.5, barMax * share), h: row * 0.64, fill: EMOTION_COLORS[e.emotion] });
    shapes.push({ kind: 'text', x: W, y: y + row / 2, text: formatPercent(locale, e.dominantShare, 1), size: fs, color: INK, anchor: 'end' });
  });
  return { width: W, height: Math.ceil(row * r.emotions.length), title: t('report.chart.sharesTitle'), shapes };
}

/**
 * A participant's visits as small multiples: for each emotion, the share of estimated time it was dominant,
 * visit by visit; then coverage (any estimate, reliable face, speech) and episodes per hour for every emotion.
 * Visits are evenly spaced in date order; a visit without an analysis is a gap.
 */
export function trendsDrawing(tr: ParticipantTrends, locale: Locale, o: ChartOptions & { columns?: number }): Drawing {
  const t = translator(locale);
  const fs = o.fontSize ?? 8;
  const W = o.width;
  const cols = o.columns ?? 3;
  const gapX = 14;
  const panelW = (W - gapX * (cols - 1)) / cols;
  const plotH = 64;
  const titleH = fs * 1.8;
  const axisH = fs * 1.6;
  const panelH = titleH + plotH + axisH;
  const left = 30;
  const n = tr.sessions.length;
  const shapes: Shape[] = [];
  const xAt = (px: number, i: number) => px + left + (n <= 1 ? (panelW - left - 6) / 2 : (i / (n - 1)) * (panelW - left - 6));

  interface Line {
    color: string;
    values: Array<number | null>;
    dash?: number[];
  }
  const panel = (k: number, title: string, lines: Line[], max: number, tick: (v: number) => string): void => {
    const px = (k % cols) * (panelW + gapX);
    const py = Math.floor(k / cols) * (panelH + gapX);
    const top = py + titleH;
    const y = (v: number) => top + plotH * (1 - v / max);
    shapes.push({ kind: 'text', x: px, y: py + titleH / 2, text: title, size: fs, color: INK, anchor: 'start', bold: true });
    shapes.push({ kind: 'rect', x: px + left, y: top, w: panelW - left, h: plotH, fill: '#ffffff', stroke: GRID });
    for (const v of [0, max / 2, max]) {
      if (v > 0 && v < max) shapes.push({ kind: 'line', x1: px + left, y1: y(v), x2: px + panelW, y2: y(v), stroke: GRID, width: 0.4, dash: [1, 2] });
      shapes.push({ kind: 'text', x: px + left - 3, y: y(v), text: tick(v), size: fs - 1.5, color: MUTED, anchor: 'end' });
    }
    for (const line of lines) {
      let run: number[] = [];
      const flush = () => {
        if (run.length >= 4) shapes.push({ kind: 'polyline', points: run, stroke: line.color, width: 1.2, ...(line.dash ? { dash: line.dash } : {}) });
        run = [];
      };
      line.values.forEach((v, i) => {
        if (v === null) return flush();
        const cx = round1(xAt(px, i));
        const cy = round1(y(Math.min(v, max)));
        run.push(cx, cy);
        shapes.push({ kind: 'rect', x: cx - 1.6, y: cy - 1.6, w: 3.2, h: 3.2, fill: line.color });
      });
      flush();
    }
    if (n > 0) {
      const first = formatDate(locale, tr.sessions[0].date);
      shapes.push({ kind: 'text', x: xAt(px, 0), y: top + plotH + axisH / 2, text: first, size: fs - 1.5, color: MUTED, anchor: n === 1 ? 'middle' : 'start' });
      if (n > 1) shapes.push({ kind: 'text', x: xAt(px, n - 1), y: top + plotH + axisH / 2, text: formatDate(locale, tr.sessions[n - 1].date), size: fs - 1.5, color: MUTED, anchor: 'end' });
    }
  };

  const share = (e: (typeof EMOTIONS)[number]) => tr.sessions.map((s) => s.emotions.find((x) => x.emotion === e)?.dominantShare ?? null);
  const pct = (v: number) => formatPercent(locale, v, 0);
  EMOTIONS.forEach((e, k) => panel(k, t(`emotion.${e}`), [{ color: EMOTION_COLORS[e], values: share(e) }], 1, pct));
  panel(
    EMOTIONS.length,
    t('trends.chart.coverage'),
    [
      { color: INK, values: tr.sessions.map((s) => s.coverage?.anyEstimate ?? null) },
      { color: EMOTION_COLORS.sad, values: tr.sessions.map((s) => s.coverage?.faceReliable ?? null), dash: [3, 2] },
      { color: EMOTION_COLORS.happy, values: tr.sessions.map((s) => s.coverage?.speech ?? null), dash: [1, 1.5] },
    ],
    1,
    pct,
  );
  const rates = EMOTIONS.map((e) => ({ color: EMOTION_COLORS[e], values: tr.sessions.map((s) => s.emotions.find((x) => x.emotion === e)?.episodesPerHour ?? null) }));
  const maxRate = Math.max(1, ...rates.flatMap((r) => r.values.filter((v): v is number => v !== null)));
  const niceMax = Math.ceil(maxRate / 5) * 5;
  panel(EMOTIONS.length + 1, t('trends.chart.episodesPerHour'), rates, niceMax, (v) => formatNumber(locale, v, 1));

  const rows = Math.ceil((EMOTIONS.length + 2) / cols);
  return { width: W, height: Math.ceil(rows * panelH + (rows - 1) * gapX), title: t('trends.chart.title', { code: tr.participant.code }), shapes };
}
