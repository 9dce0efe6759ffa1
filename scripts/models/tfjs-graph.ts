/**
 * Reads a tfjs graph model (model.json + weight shards) into plain typed structures: the node list with
 * decoded attributes and every weight as a typed array. Only the encodings our source models use are
 * accepted (float32, int32, float16-quantised float32); anything else stops the conversion with its name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type AttrValue =
  | { kind: 's'; value: string }
  | { kind: 'i'; value: number }
  | { kind: 'f'; value: number }
  | { kind: 'b'; value: boolean }
  | { kind: 'type'; value: string }
  | { kind: 'shape'; value: number[] }
  | { kind: 'list_i'; value: number[] }
  | { kind: 'list_s'; value: string[] }
  | { kind: 'list_f'; value: number[] };

export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  attr: Record<string, AttrValue>;
}

export interface TfWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export interface TfGraph {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  /** Raw model.json, kept for the tfjs reference run. */
  json: TfModelJson;
  /** All shards concatenated, as tfjs expects them. */
  weightData: ArrayBuffer;
}

interface RawWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; original_dtype?: string; scale?: number; min?: number };
}

export interface TfModelJson {
  format?: string;
  modelTopology: { node: Array<{ name: string; op: string; input?: string[]; attr?: Record<string, RawAttr> }> };
  weightsManifest: Array<{ paths: string[]; weights: RawWeightSpec[] }>;
  signature?: unknown;
  userDefinedMetadata?: unknown;
}

interface RawAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: Array<{ size: string | number }>; unknownRank?: boolean };
  list?: { i?: Array<string | number>; s?: string[]; f?: number[] };
}

function decodeAttr(raw: RawAttr): AttrValue | null {
  if (raw.s !== undefined) return { kind: 's', value: Buffer.from(raw.s, 'base64').toString('utf8') };
  if (raw.i !== undefined) return { kind: 'i', value: Number(raw.i) };
  if (raw.f !== undefined) return { kind: 'f', value: Number(raw.f) };
  if (raw.b !== undefined) return { kind: 'b', value: raw.b };
  if (raw.type !== undefined) return { kind: 'type', value: raw.type };
  if (raw.shape !== undefined) return { kind: 'shape', value: (raw.shape.dim ?? []).map((d) => Number(d.size)) };
  if (raw.list !== undefined) {
    if (raw.list.i) return { kind: 'list_i', value: raw.list.i.map(Number) };
    if (raw.list.s) return { kind: 'list_s', value: raw.list.s.map((s) => Buffer.from(s, 'base64').toString('utf8')) };
    if (raw.list.f) return { kind: 'list_f', value: raw.list.f.map(Number) };
    return { kind: 'list_i', value: [] };
  }
  return null;
}

/** IEEE 754 half → single; exact, since every half value is representable as a float. */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeWeights(specs: RawWeightSpec[], buf: Buffer): Map<string, TfWeight> {
  const out = new Map<string, TfWeight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (q) {
      if (q.dtype !== 'float16' || spec.dtype !== 'float32') {
        throw new Error(`Weight ${spec.name}: quantisation ${q.dtype}→${spec.dtype} is not supported by this converter`);
      }
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = float16ToFloat32(buf.readUInt16LE(offset + 2 * i));
      offset += 2 * count;
      out.set(spec.name, { name: spec.name, shape: spec.shape, dtype: 'float32', data });
      continue;
    }
    if (spec.dtype === 'float32') {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(offset + 4 * i);
      offset += 4 * count;
      out.set(spec.name, { name: spec.name, shape: spec.shape, dtype: 'float32', data });
    } else if (spec.dtype === 'int32') {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = buf.readInt32LE(offset + 4 * i);
      offset += 4 * count;
      out.set(spec.name, { name: spec.name, shape: spec.shape, dtype: 'int32', data });
    } else {
      throw new Error(`Weight ${spec.name}: dtype ${spec.dtype} is not supported by this converter`);
    }
  }
  if (offset !== buf.byteLength) throw new Error(`Weight shards hold ${buf.byteLength} bytes but the manifest describes ${offset}`);
  return out;
}

export function readTfjsGraph(modelJsonPath: string): TfGraph {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as TfModelJson;
  if (json.format !== 'graph-model') throw new Error(`${modelJsonPath} is not a tfjs graph model (format ${json.format})`);
  const dir = path.dirname(modelJsonPath);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p))));
  const buf = Buffer.concat(shards);
  const nodes: TfNode[] = json.modelTopology.node.map((n) => {
    const attr: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(n.attr ?? {})) {
      const d = decodeAttr(v);
      if (d) attr[k] = d;
    }
    return { name: n.name, op: n.op, inputs: n.input ?? [], attr };
  });
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return { nodes, weights: decodeWeights(specs, buf), json, weightData };
}

/** Counts ops, so a conversion can refuse a graph that uses anything it does not handle. */
export function opCounts(graph: TfGraph): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of graph.nodes) m.set(n.op, (m.get(n.op) ?? 0) + 1);
  return m;
}
