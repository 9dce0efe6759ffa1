/**
 * What training/face's export steps leave in training/face/out for a face-emotion model, and the parts of its
 * manifest entry that every such model shares; read by the registration scripts (register-face-model.ts for the
 * FER2013 model, register-ferplus-face-model.ts for the FER+ one).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS } from '../../src-shared/emotions.js';
import { checkAgainstProbe, type ExportProbe } from './probe-check.js';

/** export_onnx.py's record of the graph it wrote. */
export interface Exported {
  file: string;
  labels: string[];
  size: number;
  parameters: number;
  opset: number;
  flip_tta: boolean;
  /** How the graph combines the members' passes (export.combine): their logits averaged, or their softmax outputs averaged (deep-ensemble rule). */
  combine: 'logits' | 'probabilities';
  /** Weight files in training/face/out whose outputs the graph combines. */
  members: string[];
  temperature: number;
  probe: ExportProbe;
  /** The float graph export_onnx.py wrote (repository-relative); quantize_onnx.py made the shipped file from it when `quantized`. */
  float_file: string;
  quantized: boolean;
}

/** quantize_onnx.py's record of the int8 graph. */
export interface Quantization {
  scheme: string;
  calibration: string;
  convolutions: number;
  bytes_fp32: number;
  bytes_int8: number;
}

/** Reads one of training/face/out's JSON files, saying which steps to run when it is missing. */
export function readTrainingJson<T>(file: string, steps = 'the steps in training/face/README.md'): T {
  if (!existsSync(file)) throw new Error(`${file} is missing: run ${steps} first`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * onnxruntime must reproduce PyTorch on the probe input: the float graph to rounding; the int8 graph that ships
 * within what 8-bit arithmetic costs on a probability (its accuracy is measured through the app).
 */
export async function checkExportedGraphs(repo: string, exp: Exported, shipped: string, quantized: boolean): Promise<{ maxDiff: number; int8Diff: number | null }> {
  const maxDiff = await checkAgainstProbe(quantized ? path.join(repo, exp.float_file) : shipped, exp.probe);
  const int8Diff = quantized ? await checkAgainstProbe(shipped, exp.probe, 0.05) : null;
  return { maxDiff, int8Diff };
}

/** The manifest's input description of a face-emotion graph: an NHWC gray crop of size×size in [−1, 1]. */
export function grayCropInput(size: number) {
  return {
    name: 'input',
    shape: [-1, size, size, 1],
    dtype: 'float32',
    layout: 'NHWC',
    normalisation: {
      text: `upright face crop, grayscale 0.2989R+0.5870G+0.1140B of 0..255 RGB, resized to ${size}x${size}, x = gray/127.5 - 1 (range [-1, 1])`,
      grayWeights: [0.2989, 0.587, 0.114],
      scale: 1 / 127.5,
      offset: -1,
      size,
    },
  };
}

/**
 * The shipped graph's sha256 and its canonicalMap (each canonical class's output index; -1 for a class the model
 * lacks, which only contempt may be: a seven-class model leaves it without a value).
 */
export function faceGraphIdentity(file: string, labels: readonly string[]): { sha256: string; canonicalMap: number[] } {
  const canonicalMap = EMOTIONS.map((e) => labels.indexOf(e));
  if (canonicalMap.some((i, k) => i < 0 && EMOTIONS[k] !== 'contempt')) throw new Error(`Model labels ${labels.join(', ')} do not cover ${EMOTIONS.join(', ')}`);
  return { sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), canonicalMap };
}
