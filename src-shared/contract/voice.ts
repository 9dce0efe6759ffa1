import { z } from 'zod';
import { idSchema } from '../domain.js';
import { EMOTIONS } from '../emotions.js';
import { method } from './spec.js';

/**
 * Voice analysis over the wire: live 16 kHz mono PCM blocks from the renderer's AudioWorklet to main, and the
 * per-window results main pushes back. Not yet listed in contract/index.ts: the lead wires voiceMethods and
 * voiceEvents in with the Capture view.
 */

export const VOICE_SAMPLE_RATE = 16000;
/** A live block is at most 1 s of audio; the worklet posts 100–250 ms blocks. */
export const VOICE_BLOCK_MAX_SAMPLES = VOICE_SAMPLE_RATE;
export const MFCC_COUNT = 13;

const num = z.number().finite();
const nullableNum = num.nullable();

/** eGeMAPS-style functionals for one window; definitions in docs/voice-features.md. Null: not measurable here. */
export const voiceFeaturesSchema = z.object({
  f0MeanHz: nullableNum,
  f0SdSemitones: nullableNum,
  f0RangeSemitones: nullableNum,
  loudnessMean: num,
  loudnessSd: num,
  jitterLocal: nullableNum,
  shimmerLocalDb: nullableNum,
  hnrDb: nullableNum,
  alphaRatioDb: nullableNum,
  hammarbergDb: nullableNum,
  slope0to500: nullableNum,
  slope500to1500: nullableNum,
  mfccMean: z.array(num).length(MFCC_COUNT),
  mfccSd: z.array(num).length(MFCC_COUNT),
  voicedRatio: num,
  voicedSegmentsPerSec: num,
});
export type VoiceFeatures = z.infer<typeof voiceFeaturesSchema>;

export const voiceEmotionSchema = z.object({
  modelId: z.string(),
  /**
   * Canonical order (src-shared/emotions.ts), summing to 1; a model's `calm` is folded into neutral; null for a
   * class the model lacks (contempt).
   */
  probs: z.array(num.nullable()).length(EMOTIONS.length),
  /** The model's own calm probability (already included in probs[neutral]); null for a model without calm. */
  calm: nullableNum,
  /** −1..1, from the class probabilities and Russell's circumplex (docs/voice-features.md). */
  valence: num,
  /** −1..1, same derivation. */
  arousal: num,
});
export type VoiceEmotion = z.infer<typeof voiceEmotionSchema>;

export const voiceWindowResultSchema = z.object({
  /** Window start and length in ms from the media (or live session) start. */
  tMs: num,
  durMs: num,
  speech: z.boolean(),
  /** Mean Silero VAD probability over the window's 32 ms frames. */
  speechProb: num,
  /** Share of the window's VAD frames at or above the speech threshold. */
  speechRatio: num,
  features: voiceFeaturesSchema.nullable(),
  /** Only for windows with speech. */
  emotion: voiceEmotionSchema.nullable(),
  /** Frame-level F0 (Hz, 0 = unvoiced) and loudness for the part of the window not covered by the previous one, for live traces. */
  trace: z.object({ stepMs: num, f0: z.array(num), loudness: z.array(num) }).nullable(),
});
export type VoiceWindowResult = z.infer<typeof voiceWindowResultSchema>;

export const voiceBlockInputSchema = z
  .object({
    sessionId: idSchema,
    /** 0-based, consecutive per session; a gap restarts the voice stream. */
    seq: z.number().int().nonnegative(),
    /** Media-clock time of the block's first sample, ms from the session's media start. */
    tStartMs: z.number().nonnegative(),
    sampleRate: z.literal(VOICE_SAMPLE_RATE),
    /** True when tStartMs is on the recording's clock; only such blocks' windows are stored. */
    recordingClock: z.boolean().default(false),
    /** Little-endian float32 PCM, mono. Bytes rather than Float32Array so both transports carry it unchanged. */
    pcm: z
      .instanceof(Uint8Array)
      .refine((b) => b.byteLength % 4 === 0, 'PCM must be whole float32 samples')
      .refine((b) => b.byteLength <= VOICE_BLOCK_MAX_SAMPLES * 4, 'PCM block is longer than 1 s'),
  })
  .strict();

export const voiceMethods = {
  'voice.block': method(voiceBlockInputSchema, z.object({ windows: z.number().int().nonnegative() })),
} as const;

export const voiceEvents = {
  'voice.window': z.object({ sessionId: idSchema, result: voiceWindowResultSchema }),
} as const;

/** Float32 view of a block's bytes (copies when the bytes are not 4-byte aligned). */
export function pcmFromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}

export function bytesFromPcm(pcm: Float32Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
