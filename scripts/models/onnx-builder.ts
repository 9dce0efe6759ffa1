/**
 * Builds an ONNX ModelProto in memory and serialises it with protobufjs against the vendored onnx.proto
 * (ONNX 1.12 schema, Apache-2.0, copied verbatim from the onnx project). Only the parts of the IR our
 * converter emits are modelled: nodes, attributes, initialisers as raw little-endian data, typed inputs and
 * outputs with symbolic batch dimensions.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** onnx.TensorProto.DataType values. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export type OnnxElem = typeof ONNX_FLOAT | typeof ONNX_INT64;

/** ONNX IR version 8 with the default-domain opset 13: supported by every onnxruntime since 1.10. */
export const IR_VERSION = 8;
export const OPSET = 13;

export type AttrInput = number | number[] | string | { floats: number[] } | { float: number };

interface AttributeObj {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
}

function attribute(name: string, v: AttrInput): AttributeObj {
  // AttributeProto.AttributeType: FLOAT=1, INT=2, STRING=3, FLOATS=6, INTS=7
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  return { name, type: 1, f: v.float };
}

export interface ValueInfo {
  name: string;
  elem: OnnxElem;
  /** Numbers are fixed dims; strings are symbolic (e.g. "batch"); null: shape not declared. */
  dims: Array<number | string> | null;
}

export class OnnxGraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A fresh value name derived from `base`, never colliding with one already handed out. */
  fresh(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}__${++this.counter}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value name ${name} is used twice`);
    this.used.add(name);
    return name;
  }

  addInput(v: ValueInfo): void {
    this.inputs.push(v);
  }

  addOutput(v: ValueInfo): void {
    this.outputs.push(v);
  }

  addFloatInitializer(base: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(data.byteLength);
    const view = new DataView(raw.buffer);
    data.forEach((x, i) => view.setFloat32(4 * i, x, true));
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData: raw });
    return name;
  }

  addInt64Initializer(base: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(8 * data.length);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(8 * i, BigInt(data[i]), true);
    this.initializers.push({ name, dims, dataType: ONNX_INT64, rawData: raw });
    return name;
  }

  addNode(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrInput> = {}, name?: string): void {
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: name ?? outputs[0],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
  }

  /** Serialises the model. `docString` records provenance inside the file itself. */
  encode(opts: { graphName: string; producer: string; docString: string; metadata: Record<string, string> }): Uint8Array {
    const root = new protobuf.Root().loadSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'onnx.proto'));
    const ModelProto = root.lookupType('onnx.ModelProto');
    const valueInfo = (v: ValueInfo) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: v.elem,
          ...(v.dims ? { shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
        },
      },
    });
    const model = {
      irVersion: IR_VERSION,
      producerName: opts.producer,
      producerVersion: '1',
      docString: opts.docString,
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(opts.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: opts.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    const err = ModelProto.verify(model);
    if (err) throw new Error(`ONNX model does not fit onnx.proto: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}
