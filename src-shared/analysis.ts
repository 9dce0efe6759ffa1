/**
 * Analysis parameters, runs, fused rows and episodes as the renderer, the core and the CSV export see them.
 * Every number here is recorded with its analysis run, so a result can always be traced to its settings.
 */
import { z } from 'zod';
import { idSchema } from './domain.js';
import { EMOTIONS } from './emotions.js';

export const emotionSchema = z.enum(EMOTIONS);

/**
 * Facial mobility at a moment is the mean, over the seven expression AU estimates (not eye closure), of each AU's
 * standard deviation over the window around it. An episode: mobility below maxMobility, with the participant's face
 * measured, for at least minDurationMs.
 */
export const lowMobilityRuleSchema = z
  .object({
    enabled: z.boolean().default(true),
    windowMs: z.number().int().min(1000).max(120_000).default(5000),
    maxMobility: z.number().min(0).max(1).default(0.02),
    minDurationMs: z.number().int().min(1000).max(3_600_000).default(20_000),
  })
  .strict();
export type LowMobilityRule = z.infer<typeof lowMobilityRuleSchema>;

/** Rules for sustained-emotion episodes (docs/csv.md, "Episodes"). */
export const episodeRulesSchema = z
  .object({
    /** An episode is the same dominant emotion held for at least this long (screening default: 3 s). */
    minDurationMs: z.number().int().min(100).max(600_000).default(3000),
    /** A grid step counts towards an episode only when the dominant probability reaches this (0 = any). */
    minProbability: z.number().min(0).max(1).default(0),
    /** Stretches of "no estimate" up to this long do not break an episode (0 = any gap breaks it). */
    bridgeGapMs: z.number().int().min(0).max(10_000).default(0),
    /** Emotions episodes are reported for. */
    emotions: z.array(emotionSchema).min(1).default([...EMOTIONS]),
    /** "Low facial mobility": stretches where the face's AU estimates hardly move (docs/csv.md, "Face geometry"). */
    lowMobility: lowMobilityRuleSchema.default(lowMobilityRuleSchema.parse({})),
  })
  .strict();
export type EpisodeRules = z.infer<typeof episodeRulesSchema>;


/** Face mesh and what is kept of it (docs/csv.md, "Face geometry"). */
export const geometryParamsSchema = z
  .object({
    /** Face mesh, head pose, eyes and AU estimates on every tracked face; false switches them off (faster). */
    mesh: z.boolean().default(true),
    /** Keep each observation's 468 mesh points for the landmark export (5.6 kB per observation). */
    keepLandmarks: z.boolean().default(false),
  })
  .strict();
export type GeometryParams = z.infer<typeof geometryParamsSchema>;

/** Fusion, smoothing and alignment settings (docs/csv.md, "How the fused estimate is made"). */
export const fusionParamsSchema = z
  .object({
    /** Fixed time grid: one fused row every gridStepMs from the media start (10 Hz default). */
    gridStepMs: z.number().int().min(20).max(5000).default(100),
    /** Exponential smoothing half-life of the fused probabilities; 0 turns smoothing off. */
    halfLifeMs: z.number().int().min(0).max(60_000).default(500),
    /** After a stretch without an estimate longer than this, smoothing starts afresh instead of carrying over. */
    smoothingResetMs: z.number().int().min(0).max(600_000).default(2000),
    /** A face observation belongs to a grid step when it is at most this far from the step's time. */
    faceToleranceMs: z.number().int().min(1).max(5000).default(50),
    /**
     * How the modalities combine (docs/csv.md): `log-linear` multiplies their probabilities, each raised to its
     * weight (a product of experts); `linear` averages them by weight (the only rule before `rule` existed).
     */
    rule: z.enum(['linear', 'log-linear']).default('log-linear'),
    /**
     * Trust in each modality (multiplied by the moment's reliability), learnt with `npm run eval:fusion -- --fit` on
     * development pairs (training/fusion.md: half of FER2013 PublicTest × RAVDESS actors 13–16, lowest NLL; fit in
     * training/fusion-fit.json):
     * the voice model's window averages are under-confident, so its weight is above 1.
     */
    faceWeight: z.number().min(0).max(100).default(0.95),
    voiceWeight: z.number().min(0).max(100).default(1.85),
  })
  .strict();
export type FusionParams = z.infer<typeof fusionParamsSchema>;

export const analysisParamsSchema = z
  .object({
    fusion: fusionParamsSchema.default(fusionParamsSchema.parse({})),
    episodes: episodeRulesSchema.default(episodeRulesSchema.parse({})),
    /**
     * Models (manifest ids) to use instead of their task's default, e.g. `face-emotion-minixception` for the
     * face emotion model; at most one per task. Stored with the run, so resuming it uses the same ones.
     */
    models: z.array(z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9.-]*$/, 'Not a model id')).max(8).default([]),
    geometry: geometryParamsSchema.default(geometryParamsSchema.parse({})),
  })
  .strict();
export type AnalysisParams = z.infer<typeof analysisParamsSchema>;

export const DEFAULT_ANALYSIS_PARAMS: AnalysisParams = analysisParamsSchema.parse({});

/**
 * The schema for a run's stored `params`. Runs stored before fusion had a `rule` were fused by the linear rule, so
 * a stored fusion object without one reads as linear (re-fusing or exporting such a run keeps its results); new
 * requests without a rule get the current default.
 */
export const storedAnalysisParamsSchema = z.preprocess((raw) => {
  if (!raw || typeof raw !== 'object' || !('fusion' in raw)) return raw;
  const fusion = (raw as { fusion: unknown }).fusion;
  if (!fusion || typeof fusion !== 'object' || 'rule' in fusion) return raw;
  return { ...raw, fusion: { ...fusion, rule: 'linear' } };
}, analysisParamsSchema);

export const RUN_STATUSES = ['running', 'complete', 'incomplete', 'failed'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runModelSchema = z.object({ id: z.string(), task: z.string(), file: z.string(), sha256: z.string() });
export type RunModel = z.infer<typeof runModelSchema>;

export const analysisRunSchema = z.object({
  id: idSchema,
  sessionId: idSchema,
  mediaFileId: idSchema.nullable(),
  mode: z.enum(['live', 'offline']),
  status: runStatusSchema,
  /** Execution provider actually used, e.g. "cpu" or "cuda". */
  provider: z.string().nullable(),
  /** Why a preferred provider was not used, per model; null when nothing fell back. */
  providerDetail: z.string().nullable(),
  models: z.array(runModelSchema),
  /** The settings the run was made with (every field filled in: defaults are stored, not implied). */
  params: analysisParamsSchema,
  softwareVersion: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Media time analysed so far; a resumed run continues from here. */
  progressMs: z.number(),
  mediaDurationMs: z.number().nullable(),
  error: z.string().nullable(),
  fusedRows: z.number().int().nonnegative(),
  episodeCount: z.number().int().nonnegative(),
});
export type AnalysisRun = z.infer<typeof analysisRunSchema>;

export const MODALITIES = ['face', 'voice'] as const;

export const fusedRowSchema = z.object({
  tMs: z.number(),
  /** Seven smoothed probabilities in canonical order, or null: "no estimate" at this moment. */
  probs: z.array(z.number()).length(EMOTIONS.length).nullable(),
  dominant: emotionSchema.nullable(),
  valence: z.number().nullable(),
  arousal: z.number().nullable(),
  /** Normalised weight of each modality in this row (0 when it did not contribute; both sum to 1 with an estimate). */
  faceWeight: z.number(),
  voiceWeight: z.number(),
});
export type FusedRowView = z.infer<typeof fusedRowSchema>;

export const episodeSchema = z.object({
  id: idSchema,
  runId: idSchema,
  emotion: emotionSchema,
  startMs: z.number(),
  endMs: z.number(),
  durationMs: z.number(),
  meanProbability: z.number(),
  peakProbability: z.number(),
});
export type Episode = z.infer<typeof episodeSchema>;

export const analysisProgressSchema = z.object({
  runId: idSchema,
  sessionId: idSchema,
  status: runStatusSchema,
  /** 0–100 of the media analysed (both modalities together). */
  percent: z.number(),
  /** Video frames analysed per second of wall time (audio-only clips: audio frames of 10 ms). */
  framesPerSec: z.number().nullable(),
  /** Estimated wall time left, ms; null until there is a rate to go by. */
  etaMs: z.number().nullable(),
  /** Which stage is running, in words ("face", "voice", "fusion", "done"). */
  stage: z.string(),
  error: z.string().nullable(),
});
export type AnalysisProgress = z.infer<typeof analysisProgressSchema>;

export const emotionSummarySchema = z.object({
  emotion: emotionSchema,
  /** Share of the time with an estimate during which this emotion was dominant; null without any estimate. */
  dominantShare: z.number().nullable(),
  /** Mean fused probability over the time with an estimate; null without any estimate. */
  meanProbability: z.number().nullable(),
  episodeCount: z.number().int().nonnegative(),
  /** Episodes per hour of analysed media; null when nothing was analysed. */
  episodesPerHour: z.number().nullable(),
  episodeTotalMs: z.number(),
  episodeLongestMs: z.number(),
});
export type EmotionSummary = z.infer<typeof emotionSummarySchema>;

export const runSummarySchema = z.object({
  runId: idSchema,
  /** Media time covered by the fused timeline (grid steps × step). */
  analysedMs: z.number(),
  gridStepMs: z.number(),
  /** Shares (0..1) of the analysed time; null for a modality the media does not have. */
  coverage: z.object({
    faceReliable: z.number().nullable(),
    facePresent: z.number().nullable(),
    speech: z.number().nullable(),
    anyEstimate: z.number().nullable(),
  }),
  emotions: z.array(emotionSummarySchema),
});
export type RunSummary = z.infer<typeof runSummarySchema>;
