/**
 * The report's figures in words and tables, in one language: what the PDF prints and the Report view shows,
 * built once so the two cannot drift apart. Layout is the painters' business.
 */
import { EMOTIONS } from '../emotions.js';
import { formatClockTime, formatDate, formatDateTime, formatDurationWords, formatNumber, formatPercent, formatSeconds, formatUnit } from '../i18n/format.js';
import { translator, type Locale } from '../i18n/i18n.js';
import { REPORT_EPISODE_ROWS, REPORT_THRESHOLDS, type ReportData } from './report-data.js';

export interface Fact {
  label: string;
  value: string;
  /** Holds a time of writing (run start): screenshots of the report mask it. */
  volatile?: boolean;
}

export interface Table {
  header: string[];
  /** Column alignment: numbers right. */
  numeric: boolean[];
  rows: string[][];
}

export interface ReportText {
  locale: Locale;
  title: string;
  subtitle: string;
  headings: { quality: string; timeline: string; shares: string; episodes: string; labels: string; statement: string };
  facts: Fact[];
  modelsLabel: string;
  models: string[];
  quality: Fact[];
  qualityNote: string;
  warningTitle: string;
  warnings: string[];
  timelineNote: string;
  sharesNote: string;
  emotionTable: Table;
  rule: string;
  ruleEmotions: string;
  /** The headline screening figure (sadness sustained ≥ the episode length), when sadness is counted. */
  screening: string | null;
  episodeTable: Table | null;
  episodesMore: string | null;
  noEpisodes: string | null;
  labelsNote: string | null;
  labelTable: Table | null;
  statement: string;
  footer: string;
  pageLabel(page: number, pages: number): string;
}

/** Short hash of a model file, enough to tell versions apart in print. */
export const shortHash = (sha256: string): string => sha256.slice(0, 12);

export function reportText(r: ReportData, locale: Locale): ReportText {
  const t = translator(locale);
  const pct = (x: number | null, d = 1) => formatPercent(locale, x, d);
  const secs = (ms: number) => formatSeconds(locale, ms, 1);
  const q = r.quality;
  const c = q.coverage;
  const na = t('report.quality.notAvailable');

  const facts: Fact[] = [
    { label: t('report.facts.participant'), value: r.session.participantCode },
    { label: t('report.facts.protocol'), value: r.session.protocol },
    { label: t('report.facts.date'), value: formatDateTime(locale, r.session.date) },
    { label: t('report.facts.duration'), value: `${formatClockTime(r.session.durationMs)} (${formatDurationWords(locale, r.session.durationMs)})` },
    { label: t('report.facts.operator'), value: r.session.operatorRole ? t('report.facts.operatorValue', { name: r.session.operator || '—', role: t(`gov.role.${r.session.operatorRole}`) }) : r.session.operator || '—' },
    { label: t('report.facts.session'), value: t('report.facts.sessionValue', { id: r.session.id, status: t(`status.${r.session.status}`) }) },
    {
      label: t('report.facts.run'),
      value: t('report.facts.runValue', {
        id: r.run.id,
        mode: t(`analysis.mode.${r.run.mode}`),
        status: t(`analysis.runStatus.${r.run.status}`),
        started: formatDateTime(locale, r.run.startedAt),
        version: r.run.softwareVersion,
      }),
      volatile: true,
    },
    { label: t('report.facts.provider'), value: r.run.provider ?? '—' },
    { label: t('report.facts.software'), value: t('report.facts.softwareValue', { version: r.softwareVersion }) },
  ];
  const models = r.run.models.map((m) => `${m.id} (${m.task}) ${shortHash(m.sha256)}`);

  const frames = q.frames;
  const quality: Fact[] = [
    { label: t('report.quality.analysed'), value: formatDurationWords(locale, q.analysedMs) },
    { label: t('report.quality.anyEstimate'), value: pct(c.anyEstimate) },
    { label: t('report.quality.faceReliable'), value: q.hasVideo ? pct(c.faceReliable) : na },
    { label: t('report.quality.facePresent'), value: q.hasVideo ? pct(c.facePresent) : na },
    { label: t('report.quality.speech'), value: q.hasAudio ? pct(c.speech) : na },
    {
      label: t('report.quality.frames'),
      value: frames
        ? t('report.quality.framesValue', {
            analysed: formatNumber(locale, frames.analysed),
            dropped: formatNumber(locale, frames.dropped),
            share: pct(frames.analysed + frames.dropped > 0 ? frames.dropped / (frames.analysed + frames.dropped) : 0),
          })
        : na,
    },
  ];

  const warnings = q.warnings.map((w) => {
    switch (w) {
      case 'lowAnyEstimate':
        return t('report.warning.lowAnyEstimate', { share: pct(c.anyEstimate ?? 0), threshold: pct(REPORT_THRESHOLDS.anyEstimate, 0) });
      case 'lowFaceReliable':
        return t('report.warning.lowFaceReliable', { share: pct(c.faceReliable ?? 0), threshold: pct(REPORT_THRESHOLDS.faceReliable, 0) });
      case 'droppedFrames':
        return t('report.warning.droppedFrames', {
          dropped: formatNumber(locale, frames?.dropped ?? 0),
          share: pct(frames ? frames.dropped / Math.max(1, frames.analysed + frames.dropped) : 0),
          threshold: pct(REPORT_THRESHOLDS.droppedFrames, 0),
        });
      case 'runIncomplete':
        return t('report.warning.runIncomplete', { status: t(`analysis.runStatus.${r.run.status}`) });
      default:
        return t(`report.warning.${w}`);
    }
  });

  const emotionTable: Table = {
    header: [t('report.table.emotion'), t('report.table.share'), t('report.table.meanProbability'), t('report.table.episodes'), t('report.table.perHour'), t('report.table.total'), t('report.table.longest')],
    numeric: [false, true, true, true, true, true, true],
    rows: r.emotions.map((e) => [
      t(`emotion.${e.emotion}`),
      pct(e.dominantShare),
      formatNumber(locale, e.meanProbability, 2, true),
      formatNumber(locale, e.episodeCount),
      formatNumber(locale, e.episodesPerHour, 1, true),
      secs(e.episodeTotalMs),
      secs(e.episodeLongestMs),
    ]),
  };

  const rules = r.rules;
  const min = formatSeconds(locale, rules.episodeMinDurationMs, 1);
  const rule = t('report.rule', {
    min,
    probability: rules.episodeMinProbability > 0 ? t('report.ruleProbability', { p: formatNumber(locale, rules.episodeMinProbability, 2) }) : '',
    bridge: rules.episodeBridgeGapMs > 0 ? t('report.ruleBridge', { gap: formatSeconds(locale, rules.episodeBridgeGapMs, 1) }) : '',
    analysed: formatDurationWords(locale, q.analysedMs),
  });
  const listJoin = new Intl.ListFormat(locale, { type: 'conjunction' });
  const ruleEmotions = t('report.ruleEmotions', { emotions: listJoin.format(EMOTIONS.filter((e) => rules.episodeEmotions.includes(e)).map((e) => t(`emotion.${e}`))) });
  const sad = r.emotions.find((e) => e.emotion === 'sad');
  const screening =
    sad && rules.episodeEmotions.includes('sad')
      ? t('report.screeningSad', { min, count: sad.episodeCount, rate: formatNumber(locale, sad.episodesPerHour, 1, true) })
      : null;

  const listed = r.episodes.slice(0, REPORT_EPISODE_ROWS);
  const episodeTable: Table | null = listed.length
    ? {
        header: [t('report.table.emotion'), t('report.table.start'), t('report.table.end'), t('report.table.duration')],
        numeric: [false, true, true, true],
        rows: listed.map((e) => [t(`emotion.${e.emotion}`), formatClockTime(e.startMs), formatClockTime(e.endMs), secs(e.durationMs)]),
      }
    : null;
  const more = r.episodes.length - listed.length;

  const labelTable: Table | null = r.labels
    ? {
        header: [t('report.labels.rater'), t('report.labels.segments'), t('report.labels.labelled'), t('report.labels.kappa'), t('report.labels.agreement'), t('report.labels.instants')],
        numeric: [false, true, true, true, true, true],
        rows: r.labels.raters.map((l) => [
          l.rater,
          formatNumber(locale, l.segments),
          formatDurationWords(locale, l.labelledMs),
          l.kappa === null ? '—' : `${formatNumber(locale, l.kappa, 2, true)} (${t(`kappa.band.${l.band}`)})`,
          pct(l.observed),
          formatNumber(locale, l.n),
        ]),
      }
    : null;

  return {
    locale,
    title: t('report.title'),
    subtitle: `${r.session.participantCode} · ${r.session.protocol} · ${formatDate(locale, r.session.date)}`,
    headings: {
      quality: t('report.section.quality'),
      timeline: t('report.section.timeline'),
      shares: t('report.section.shares'),
      episodes: t('report.section.episodes'),
      labels: t('report.section.labels'),
      statement: t('report.section.statement'),
    },
    facts,
    modelsLabel: t('report.facts.models'),
    models,
    quality,
    qualityNote: t('report.quality.coverageNote'),
    warningTitle: t('report.warning.title'),
    warnings,
    timelineNote: t('report.timelineNote'),
    sharesNote: t('report.sharesNote'),
    emotionTable,
    rule,
    ruleEmotions,
    screening,
    episodeTable,
    episodesMore: more > 0 ? t('report.episodesMore', { count: more }) : null,
    noEpisodes: r.episodes.length ? null : t('report.noEpisodes'),
    labelsNote: r.labels ? t('report.labelsNote', { grid: formatUnit(locale, rules.gridStepMs, 'millisecond', 0) }) : null,
    labelTable,
    statement: t('report.statement'),
    footer: t('report.footer', { version: r.softwareVersion, generated: formatDateTime(locale, r.generatedAt) }),
    pageLabel: (page, pages) => t('report.page', { page, pages }),
  };
}
