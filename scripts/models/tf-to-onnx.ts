/**
 * Converts a tfjs graph model to an ONNX graph, op by op, for the ops our face models use:
 * Placeholder, Const, Identity, _FusedConv2D (BiasAdd[, Relu | Prelu]), DepthwiseConv2dNative, MaxPool, AddV2, Relu,
 * Prelu, Sigmoid, Pad, Mean, Softmax, Shape, StridedSlice, Pack, Reshape, ConcatV2. Anything else stops the
 * conversion with the op's name, so a graph is never converted approximately.
 *
 * Layout: TF works in NHWC, ONNX convolutions in NCHW. Graph inputs stay NHWC (the model's own contract) and
 * are transposed once; 4-D activations are then carried in NCHW and every layout-sensitive op (Pad, Mean,
 * Shape, Reshape, ConcatV2) either maps its axes or transposes back to the TF layout first, so each ONNX node
 * computes exactly what its TF node did.
 *
 * Integers: the int32 tensors in these graphs only carry shapes, paddings and axes; ONNX wants int64 for
 * those, so they are emitted as int64.
 */
import { type AttrInput, ONNX_FLOAT, ONNX_INT64, OnnxGraphBuilder } from './onnx-builder.js';
import type { AttrValue, TfGraph, TfNode, TfWeight } from './tfjs-graph.js';

type Layout = 'native' | 'nchw';

interface Val {
  /** ONNX value name holding the tensor (in `layout`). */
  name: string;
  layout: Layout;
  elem: typeof ONNX_FLOAT | typeof ONNX_INT64;
  /** TF logical shape (NHWC order for 4-D); -1 unknown; null when the rank itself is unknown. */
  shape: number[] | null;
  /** Set for TF constants: their data, for ops that need compile-time values (filters, axes, paddings). */
  constant?: TfWeight;
}

export interface ConvertOptions {
  /** TF graph input/output node name → ONNX name. */
  rename?: Record<string, string>;
  /** TF node names to expose as outputs (usually the signature's Identity nodes), in order. */
  outputs: string[];
  /** Declared output shapes (from the model's signature) where the graph itself does not fix them. */
  outputShapes?: Record<string, number[]>;
}

export interface ConvertResult {
  builder: OnnxGraphBuilder;
  inputs: Array<{ name: string; shape: number[] }>;
  outputs: Array<{ name: string; shape: number[] | null }>;
  ops: Record<string, number>;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Where NHWC axis a lives in NCHW. */
const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

interface AttrTypes {
  s: string;
  i: number;
  f: number;
  b: boolean;
  type: string;
  shape: number[];
  list_i: number[];
  list_s: string[];
  list_f: number[];
}

function attr<K extends AttrValue['kind'] & keyof AttrTypes>(node: TfNode, key: string, kind: K): AttrTypes[K] | undefined {
  const a = node.attr[key];
  if (!a) return undefined;
  if (a.kind !== kind) throw new Error(`${node.name}: attribute ${key} is ${a.kind}, expected ${kind}`);
  return a.value as AttrTypes[K];
}

function requireAttr<K extends AttrValue['kind'] & keyof AttrTypes>(node: TfNode, key: string, kind: K): AttrTypes[K] {
  const v = attr(node, key, kind);
  if (v === undefined) throw new Error(`${node.name}: missing attribute ${key}`);
  return v;
}

/** TF "SAME"/"VALID" padding as explicit ONNX pads for one spatial dim (TF puts the odd pixel at the end). */
function tfPads(padding: string, inSize: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (padding === 'VALID') return [0, 0];
  if (padding !== 'SAME') throw new Error(`padding ${padding} is not supported`);
  if (inSize < 0) throw new Error('SAME padding needs a known spatial size');
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function outSize(padding: string, inSize: number, kernel: number, stride: number, dilation: number): number {
  if (inSize < 0) return -1;
  if (padding === 'SAME') return Math.ceil(inSize / stride);
  return Math.floor((inSize - (kernel - 1) * dilation - 1) / stride) + 1;
}

export function convertGraph(graph: TfGraph, opts: ConvertOptions): ConvertResult {
  const b = new OnnxGraphBuilder();
  const vals = new Map<string, Val>();
  const nodesByName = new Map(graph.nodes.map((n) => [n.name, n]));
  const rename = opts.rename ?? {};
  const inputs: ConvertResult['inputs'] = [];
  const ops: Record<string, number> = {};

  const ref = (input: string): string => {
    if (input.startsWith('^')) throw new Error(`control dependency ${input} is not supported`);
    const [name, idx] = input.split(':');
    if (idx !== undefined && idx !== '0') throw new Error(`multi-output reference ${input} is not supported`);
    return name;
  };

  /** The Val for a TF tensor; constants become ONNX initialisers the first time they are used as tensors. */
  const get = (input: string): Val => {
    const name = ref(input);
    const v = vals.get(name);
    if (v) return v;
    throw new Error(`value ${name} used before it is defined`);
  };

  const constData = (input: string): TfWeight => {
    const v = get(input);
    if (!v.constant) throw new Error(`${input} must be a constant`);
    return v.constant;
  };

  /** Materialises a constant Val as an initialiser (int32 → int64). */
  const materialise = (v: Val): Val => {
    if (!v.constant || v.name) return v;
    const c = v.constant;
    const name =
      c.dtype === 'float32' ? b.addFloatInitializer(c.name, c.shape, c.data as Float32Array) : b.addInt64Initializer(c.name, c.shape, c.data);
    const m: Val = { ...v, name };
    vals.set(c.name, m);
    return m;
  };

  const toNative = (v0: Val): Val => {
    const v = materialise(v0);
    if (v.layout === 'native') return v;
    const name = b.fresh(`${v.name}__nhwc`);
    b.addNode('Transpose', [v.name], [name], { perm: NCHW_TO_NHWC });
    return { ...v, name, layout: 'native' };
  };

  const toNchw = (v0: Val): Val => {
    const v = materialise(v0);
    if (v.layout === 'nchw') return v;
    if (!v.shape || v.shape.length !== 4) throw new Error(`${v.name}: expected a 4-D NHWC tensor`);
    const name = b.fresh(`${v.name}__nchw`);
    b.addNode('Transpose', [v.name], [name], { perm: NHWC_TO_NCHW });
    return { ...v, name, layout: 'nchw' };
  };

  const int64Const = (base: string, values: number[], dims: number[] = [values.length]): string => b.addInt64Initializer(base, dims, values);

  /**
   * PReLU slopes for an NCHW activation: TF stores one per channel, shaped [C] or [1, 1, C] (HWC), which
   * broadcasts over NHWC; ONNX PRelu broadcasts the slope against NCHW, so it becomes [C, 1, 1].
   */
  const preluSlope = (alpha: TfWeight, channels: number): string => {
    if (alpha.data.length !== channels || alpha.shape.slice(0, -1).some((d) => d !== 1)) {
      throw new Error(`PReLU slope ${alpha.name} of shape [${alpha.shape}] is not one value per channel (${channels})`);
    }
    return b.addFloatInitializer(`${alpha.name}__c11`, [channels, 1, 1], alpha.data as Float32Array);
  };

  /** Shared by _FusedConv2D and DepthwiseConv2dNative. */
  const conv = (node: TfNode, depthwise: boolean, fused: string[]): void => {
    if ((attr(node, 'data_format', 's') ?? 'NHWC') !== 'NHWC') throw new Error(`${node.name}: only NHWC is supported`);
    const x = toNchw(get(node.inputs[0]));
    const filter = constData(node.inputs[1]);
    const [kh, kw, cin, cout0] = filter.shape;
    const strides = requireAttr(node, 'strides', 'list_i');
    const dil = attr(node, 'dilations', 'list_i') ?? [1, 1, 1, 1];
    const padding = requireAttr(node, 'padding', 's');
    if (strides[0] !== 1 || strides[3] !== 1 || dil[0] !== 1 || dil[3] !== 1) throw new Error(`${node.name}: batch/channel strides are not supported`);
    const shape = x.shape ?? [-1, -1, -1, -1];
    const [pt, pb] = tfPads(padding, shape[1], kh, strides[1], dil[1]);
    const [pl, pr] = tfPads(padding, shape[2], kw, strides[2], dil[2]);
    // TF filters are HWIO (conv) or HW·Cin·multiplier (depthwise); ONNX wants OIHW with group = Cin for depthwise.
    const cout = depthwise ? cin * cout0 : cout0;
    const w = new Float32Array(filter.data.length);
    const src = filter.data as Float32Array;
    for (let h = 0; h < kh; h++)
      for (let ww = 0; ww < kw; ww++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout0; o++) {
            const s = ((h * kw + ww) * cin + i) * cout0 + o;
            const d = depthwise ? (((i * cout0 + o) * 1 + 0) * kh + h) * kw + ww : ((o * cin + i) * kh + h) * kw + ww;
            w[d] = src[s];
          }
    const wName = b.addFloatInitializer(`${filter.name}__oihw`, depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw], w);
    const convInputs = [x.name, wName];
    const act = fused[1];
    if (fused.length > 2 || (act !== undefined && act !== 'Relu' && act !== 'Prelu')) throw new Error(`${node.name}: fused ops ${fused.join(',')} are not supported`);
    if (fused.length) {
      if (fused[0] !== 'BiasAdd') throw new Error(`${node.name}: fused ops ${fused.join(',')} are not supported`);
      const numArgs = attr(node, 'num_args', 'i') ?? 1;
      // Prelu brings its slopes as a second extra argument (inputs[3]).
      if (numArgs !== (act === 'Prelu' ? 2 : 1)) throw new Error(`${node.name}: num_args ${numArgs} is not supported with ${fused.join(',')}`);
      const bias = constData(node.inputs[2]);
      if (bias.shape.length !== 1 || bias.shape[0] !== cout) throw new Error(`${node.name}: bias shape ${bias.shape} does not match ${cout} channels`);
      convInputs.push(b.addFloatInitializer(bias.name, bias.shape, bias.data as Float32Array));
    }
    const attrs: Record<string, AttrInput> = {
      kernel_shape: [kh, kw],
      strides: [strides[1], strides[2]],
      dilations: [dil[1], dil[2]],
      pads: [pt, pl, pb, pr],
      group: depthwise ? cin : 1,
    };
    const convOut = act ? b.fresh(`${node.name}__conv`) : b.reserve(node.name);
    b.addNode('Conv', convInputs, [convOut], attrs);
    if (act === 'Relu') b.addNode('Relu', [convOut], [b.reserve(node.name)]);
    if (act === 'Prelu') b.addNode('PRelu', [convOut, preluSlope(constData(node.inputs[3]), cout)], [b.reserve(node.name)]);
    const outShape = [shape[0], outSize(padding, shape[1], kh, strides[1], dil[1]), outSize(padding, shape[2], kw, strides[2], dil[2]), cout];
    vals.set(node.name, { name: node.name, layout: 'nchw', elem: ONNX_FLOAT, shape: outShape });
  };

  const handlers: Record<string, (node: TfNode) => void> = {
    Const(node) {
      const w = graph.weights.get(node.name);
      if (!w) throw new Error(`constant ${node.name} has no weight data`);
      vals.set(node.name, { name: '', layout: 'native', elem: w.dtype === 'float32' ? ONNX_FLOAT : ONNX_INT64, shape: w.shape, constant: w });
    },
    Placeholder(node) {
      if (requireAttr(node, 'dtype', 'type') !== 'DT_FLOAT') throw new Error(`${node.name}: only float inputs are supported`);
      const shape = requireAttr(node, 'shape', 'shape');
      const name = b.reserve(rename[node.name] ?? node.name);
      b.addInput({ name, elem: ONNX_FLOAT, dims: shape.map((d, i) => (d < 0 ? (i === 0 ? 'batch' : `d${i}`) : d)) });
      inputs.push({ name, shape });
      vals.set(node.name, { name, layout: 'native', elem: ONNX_FLOAT, shape });
    },
    Identity(node) {
      vals.set(node.name, get(node.inputs[0]));
    },
    _FusedConv2D(node) {
      conv(node, false, requireAttr(node, 'fused_ops', 'list_s'));
    },
    DepthwiseConv2dNative(node) {
      conv(node, true, []);
    },
    MaxPool(node) {
      if ((attr(node, 'data_format', 's') ?? 'NHWC') !== 'NHWC') throw new Error(`${node.name}: only NHWC is supported`);
      const x = toNchw(get(node.inputs[0]));
      const k = requireAttr(node, 'ksize', 'list_i');
      const s = requireAttr(node, 'strides', 'list_i');
      const padding = requireAttr(node, 'padding', 's');
      if (k[0] !== 1 || k[3] !== 1 || s[0] !== 1 || s[3] !== 1) throw new Error(`${node.name}: pooling over batch/channels is not supported`);
      const shape = x.shape ?? [-1, -1, -1, -1];
      const [pt, pb] = tfPads(padding, shape[1], k[1], s[1], 1);
      const [pl, pr] = tfPads(padding, shape[2], k[2], s[2], 1);
      // ONNX MaxPool ignores padded cells, as TF SAME pooling does.
      b.addNode('MaxPool', [x.name], [b.reserve(node.name)], { kernel_shape: [k[1], k[2]], strides: [s[1], s[2]], pads: [pt, pl, pb, pr] });
      const outShape = [shape[0], outSize(padding, shape[1], k[1], s[1], 1), outSize(padding, shape[2], k[2], s[2], 1), shape[3]];
      vals.set(node.name, { name: node.name, layout: 'nchw', elem: ONNX_FLOAT, shape: outShape });
    },
    AddV2(node) {
      let a = materialise(get(node.inputs[0]));
      let c = materialise(get(node.inputs[1]));
      const sameShape = a.shape && c.shape && a.shape.length === c.shape.length && a.shape.every((d, i) => d === c.shape![i] || d < 0 || c.shape![i] < 0);
      if (a.layout !== c.layout || !sameShape) {
        // Broadcasting is defined on TF's layout, so mixed cases run there.
        a = toNative(a);
        c = toNative(c);
      }
      b.addNode('Add', [a.name, c.name], [b.reserve(node.name)]);
      vals.set(node.name, { name: node.name, layout: a.layout, elem: a.elem, shape: a.shape });
    },
    Relu(node) {
      const x = materialise(get(node.inputs[0]));
      b.addNode('Relu', [x.name], [b.reserve(node.name)]);
      vals.set(node.name, { ...x, name: node.name, constant: undefined });
    },
    Prelu(node) {
      const x = materialise(get(node.inputs[0]));
      const alpha = constData(node.inputs[1]);
      const channels = x.shape?.[x.shape.length - 1] ?? -1;
      const slope = x.layout === 'nchw' ? preluSlope(alpha, channels) : materialise(get(node.inputs[1])).name;
      b.addNode('PRelu', [x.name, slope], [b.reserve(node.name)]);
      vals.set(node.name, { ...x, name: node.name, constant: undefined });
    },
    Sigmoid(node) {
      const x = materialise(get(node.inputs[0]));
      b.addNode('Sigmoid', [x.name], [b.reserve(node.name)]);
      vals.set(node.name, { ...x, name: node.name, constant: undefined });
    },
    Pad(node) {
      const x = materialise(get(node.inputs[0]));
      const p = constData(node.inputs[1]);
      const rank = p.shape[0];
      const begin: number[] = [];
      const end: number[] = [];
      for (let i = 0; i < rank; i++) {
        const tfAxis = x.layout === 'nchw' ? NHWC_TO_NCHW[i] : i; // NCHW axis i is NHWC axis perm[i]
        begin.push(p.data[2 * tfAxis]);
        end.push(p.data[2 * tfAxis + 1]);
      }
      const pads = int64Const(`${node.name}__pads`, [...begin, ...end]);
      b.addNode('Pad', [x.name, pads], [b.reserve(node.name)], { mode: 'constant' });
      const shape = x.shape ? x.shape.map((d, i) => (d < 0 ? d : d + p.data[2 * i] + p.data[2 * i + 1])) : null;
      vals.set(node.name, { name: node.name, layout: x.layout, elem: x.elem, shape });
    },
    Mean(node) {
      let x = materialise(get(node.inputs[0]));
      const rank = x.shape?.length ?? -1;
      const axes = Array.from(constData(node.inputs[1]).data).map((a) => (a < 0 ? a + rank : a));
      const keep = attr(node, 'keep_dims', 'b') ?? false;
      const kept = [...Array(rank).keys()].filter((a) => !axes.includes(a));
      let onnxAxes = axes;
      let layout: Layout = 'native';
      if (x.layout === 'nchw') {
        const mapped = kept.map((a) => NHWC_AXIS_IN_NCHW[a]);
        const ordered = mapped.every((m, i) => i === 0 || m > mapped[i - 1]);
        if (keep) {
          onnxAxes = axes.map((a) => NHWC_AXIS_IN_NCHW[a]);
          layout = 'nchw';
        } else if (ordered) {
          // The surviving axes come out in the same order in both layouts, so the result is already TF's.
          onnxAxes = axes.map((a) => NHWC_AXIS_IN_NCHW[a]);
        } else {
          x = toNative(x);
        }
      }
      b.addNode('ReduceMean', [x.name], [b.reserve(node.name)], { axes: onnxAxes, keepdims: keep ? 1 : 0 });
      const shape = x.shape ? (keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((a) => x.shape![a])) : null;
      vals.set(node.name, { name: node.name, layout, elem: ONNX_FLOAT, shape });
    },
    Softmax(node) {
      const x = toNative(get(node.inputs[0]));
      // TF softmax is over the last axis; opset-13 Softmax with axis -1 is exactly that.
      b.addNode('Softmax', [x.name], [b.reserve(node.name)], { axis: -1 });
      vals.set(node.name, { ...x, name: node.name });
    },
    Shape(node) {
      const x = materialise(get(node.inputs[0]));
      if (x.layout === 'nchw') {
        const raw = b.fresh(`${node.name}__nchw`);
        b.addNode('Shape', [x.name], [raw]);
        b.addNode('Gather', [raw, int64Const(`${node.name}__perm`, NCHW_TO_NHWC)], [b.reserve(node.name)], { axis: 0 });
      } else {
        b.addNode('Shape', [x.name], [b.reserve(node.name)]);
      }
      vals.set(node.name, { name: node.name, layout: 'native', elem: ONNX_INT64, shape: [x.shape?.length ?? -1] });
    },
    StridedSlice(node) {
      const x = toNative(get(node.inputs[0]));
      const begin = Array.from(constData(node.inputs[1]).data);
      const end = Array.from(constData(node.inputs[2]).data);
      const step = Array.from(constData(node.inputs[3]).data);
      const bm = attr(node, 'begin_mask', 'i') ?? 0;
      const em = attr(node, 'end_mask', 'i') ?? 0;
      const sm = attr(node, 'shrink_axis_mask', 'i') ?? 0;
      if ((attr(node, 'ellipsis_mask', 'i') ?? 0) || (attr(node, 'new_axis_mask', 'i') ?? 0)) throw new Error(`${node.name}: ellipsis/new-axis masks are not supported`);
      const BIG = 2 ** 62;
      const starts: number[] = [];
      const ends: number[] = [];
      const axes: number[] = [];
      const steps: number[] = [];
      const squeeze: number[] = [];
      for (let i = 0; i < begin.length; i++) {
        const st = step[i];
        if (sm & (1 << i)) {
          // Shrink: take exactly element begin[i] (TF ignores end and masks for that axis).
          starts.push(begin[i]);
          ends.push(begin[i] === -1 ? BIG : begin[i] + 1);
          steps.push(1);
          squeeze.push(i);
        } else {
          starts.push(bm & (1 << i) ? (st > 0 ? 0 : BIG) : begin[i]);
          ends.push(em & (1 << i) ? (st > 0 ? BIG : -BIG) : end[i]);
          steps.push(st);
        }
        axes.push(i);
      }
      const sliced = squeeze.length ? b.fresh(`${node.name}__slice`) : b.reserve(node.name);
      b.addNode('Slice', [x.name, int64Const(`${node.name}__starts`, starts), int64Const(`${node.name}__ends`, ends), int64Const(`${node.name}__axes`, axes), int64Const(`${node.name}__steps`, steps)], [sliced]);
      if (squeeze.length) b.addNode('Squeeze', [sliced, int64Const(`${node.name}__squeeze`, squeeze)], [b.reserve(node.name)]);
      const rank = (x.shape?.length ?? begin.length) - squeeze.length;
      vals.set(node.name, { name: node.name, layout: 'native', elem: x.elem, shape: rank === 0 ? [] : null });
    },
    Pack(node) {
      const axis = attr(node, 'axis', 'i') ?? 0;
      const parts = node.inputs.map((inp, k) => {
        const v = toNative(get(inp));
        const out = b.fresh(`${node.name}__unsq${k}`);
        b.addNode('Unsqueeze', [v.name, int64Const(`${node.name}__axis${k}`, [axis])], [out]);
        return { name: out, elem: v.elem };
      });
      b.addNode('Concat', parts.map((p) => p.name), [b.reserve(node.name)], { axis });
      vals.set(node.name, { name: node.name, layout: 'native', elem: parts[0].elem, shape: axis === 0 ? [parts.length] : null });
    },
    Reshape(node) {
      const x = toNative(get(node.inputs[0]));
      const s = materialise(get(node.inputs[1]));
      if (s.elem !== ONNX_INT64) throw new Error(`${node.name}: shape must be an integer tensor`);
      b.addNode('Reshape', [x.name, s.name], [b.reserve(node.name)]);
      const known = s.constant ? Array.from(s.constant.data) : null;
      vals.set(node.name, { name: node.name, layout: 'native', elem: x.elem, shape: known });
    },
    ConcatV2(node) {
      const parts = node.inputs.slice(0, -1).map((inp) => toNative(get(inp)));
      const axis = Number(constData(node.inputs[node.inputs.length - 1]).data[0]);
      b.addNode('Concat', parts.map((p) => p.name), [b.reserve(node.name)], { axis });
      vals.set(node.name, { name: node.name, layout: 'native', elem: parts[0].elem, shape: null });
    },
  };

  // Topological order: tfjs graphs list nodes in an order where inputs may come later, so walk from outputs.
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`cycle at ${name}`);
    const node = nodesByName.get(name);
    if (!node) throw new Error(`node ${name} is referenced but not defined`);
    state.set(name, 'visiting');
    for (const inp of node.inputs) visit(ref(inp));
    state.set(name, 'done');
    order.push(node);
  };
  for (const o of opts.outputs) visit(o);

  for (const node of order) {
    const h = handlers[node.op];
    if (!h) throw new Error(`op ${node.op} (node ${node.name}) is not supported by this converter`);
    try {
      h(node);
    } catch (e) {
      throw new Error(`converting ${node.op} ${node.name}: ${(e as Error).message}`);
    }
    ops[node.op] = (ops[node.op] ?? 0) + 1;
  }

  const outputs: ConvertResult['outputs'] = [];
  for (const o of opts.outputs) {
    const v = toNative(get(o));
    const name = rename[o] ?? o;
    if (v.name !== name) b.addNode('Identity', [v.name], [b.reserve(name)]);
    const shape = opts.outputShapes?.[o] ?? v.shape;
    const dims = shape ? shape.map((d, i) => (d < 0 ? (i === 0 ? 'batch' : `${name}_d${i}`) : d)) : null;
    b.addOutput({ name, elem: v.elem, dims });
    outputs.push({ name, shape });
  }
  return { builder: b, inputs, outputs, ops };
}
