/**
 * Reads a few things from a TensorFlow Lite model (a FlatBuffer with file identifier "TFL3") and adds named
 * metadata buffers to it, without a schema for the whole model.
 *
 * Adding metadata normally means unpacking and repacking the whole model with TFLite's schema. Here the
 * original bytes are kept as they are instead: the new file starts with a new root `Model` table (and the
 * new metadata buffers), followed by the original file unchanged. The new root's fields point forward into
 * the original's operator codes, subgraphs and buffers, so every weight stays byte-identical and keeps its
 * alignment; the original root table stays in the file, unreferenced. This relies only on the `Model`,
 * `Buffer` and `Metadata` tables' field order in TFLite's schema.fbs:
 *   Model { version:uint; operator_codes; subgraphs; description:string; buffers:[Buffer];
 *           metadata_buffer:[int]; metadata:[Metadata]; signature_defs }
 *   Buffer { data:[ubyte] (force_align: 16); offset:ulong; size:ulong }
 *   Metadata { name:string; buffer:uint }
 */

const MODEL_IDENTIFIER = 'TFL3';
const MODEL_FIELDS = 8;
const F_VERSION = 0;
const F_SUBGRAPHS = 2;
const F_BUFFERS = 4;
const F_METADATA = 6;

/** Read access to one FlatBuffer: positions are byte offsets from the start of the buffer. */
class FlatReader {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(pos: number, size: number): void {
    if (pos < 0 || pos + size > this.bytes.length) throw new Error(`not a valid TFLite model: offset ${pos} lies outside the file`);
  }
  u16(pos: number): number {
    this.check(pos, 2);
    return this.dv.getUint16(pos, true);
  }
  u32(pos: number): number {
    this.check(pos, 4);
    return this.dv.getUint32(pos, true);
  }
  i32(pos: number): number {
    this.check(pos, 4);
    return this.dv.getInt32(pos, true);
  }
  /** Where each field of the table at `table` is (absolute), 0 for absent ones. */
  fieldPositions(table: number): number[] {
    const vtable = table - this.i32(table);
    const count = (this.u16(vtable) - 4) / 2;
    return Array.from({ length: count }, (_, i) => {
      const rel = this.u16(vtable + 4 + 2 * i);
      return rel ? table + rel : 0;
    });
  }
  /** The object an offset field points to (absolute). */
  deref(fieldPos: number): number {
    return fieldPos + this.u32(fieldPos);
  }
  /** Absolute positions of the elements a vector of offsets points to. */
  tableVector(vectorPos: number): number[] {
    return Array.from({ length: this.u32(vectorPos) }, (_, i) => this.deref(vectorPos + 4 + 4 * i));
  }
  string(pos: number): string {
    const len = this.u32(pos);
    this.check(pos + 4, len);
    return new TextDecoder().decode(this.bytes.subarray(pos + 4, pos + 4 + len));
  }
  ubyteVector(pos: number): Uint8Array {
    const len = this.u32(pos);
    this.check(pos + 4, len);
    return this.bytes.subarray(pos + 4, pos + 4 + len);
  }
}

function openModel(model: Uint8Array): { r: FlatReader; fields: number[] } {
  if (model.length < 8 || new TextDecoder().decode(model.subarray(4, 8)) !== MODEL_IDENTIFIER) throw new Error(`not a TFLite model (no "${MODEL_IDENTIFIER}" identifier)`);
  const r = new FlatReader(model);
  const fields = r.fieldPositions(r.u32(0));
  while (fields.length < MODEL_FIELDS) fields.push(0);
  return { r, fields };
}

export interface TfliteTensorInfo {
  name: string;
  shape: number[];
  /** TFLite TensorType: 0 float32, 3 uint8, 9 int8 (schema.fbs). */
  type: number;
}

/** The main subgraph's inputs and outputs, in order. */
export function tfliteIo(model: Uint8Array): { inputs: TfliteTensorInfo[]; outputs: TfliteTensorInfo[] } {
  const { r, fields } = openModel(model);
  if (!fields[F_SUBGRAPHS]) throw new Error('the TFLite model has no subgraph');
  const sg = r.tableVector(r.deref(fields[F_SUBGRAPHS]))[0];
  // SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int]; ... }; Tensor { shape:[int]; type; buffer; name:string; ... }
  const [tensorsF, inputsF, outputsF] = r.fieldPositions(sg);
  const tensors = r.tableVector(r.deref(tensorsF));
  const info = (index: number): TfliteTensorInfo => {
    const [shapeF, typeF, , nameF] = r.fieldPositions(tensors[index]);
    const shapeV = shapeF ? r.deref(shapeF) : 0;
    const shape = shapeV ? Array.from({ length: r.u32(shapeV) }, (_, i) => r.i32(shapeV + 4 + 4 * i)) : [];
    return { name: nameF ? r.string(r.deref(nameF)) : '', shape, type: typeF ? model[typeF] : 0 };
  };
  const indices = (f: number) => (f ? Array.from({ length: r.u32(r.deref(f)) }, (_, i) => r.i32(r.deref(f) + 4 + 4 * i)) : []);
  return { inputs: indices(inputsF).map(info), outputs: indices(outputsF).map(info) };
}

/** The model's named metadata entries and the bytes of the buffer each names. */
export function tfliteMetadata(model: Uint8Array): Map<string, Uint8Array> {
  const { r, fields } = openModel(model);
  const out = new Map<string, Uint8Array>();
  if (!fields[F_METADATA]) return out;
  const buffers = fields[F_BUFFERS] ? r.tableVector(r.deref(fields[F_BUFFERS])) : [];
  for (const entry of r.tableVector(r.deref(fields[F_METADATA]))) {
    const [nameF, bufferF] = r.fieldPositions(entry);
    const index = bufferF ? r.u32(bufferF) : 0;
    if (index >= buffers.length) throw new Error(`metadata entry points at buffer ${index} of ${buffers.length}`);
    const [dataF] = r.fieldPositions(buffers[index]);
    out.set(nameF ? r.string(r.deref(nameF)) : '', dataF ? r.ubyteVector(r.deref(dataF)) : new Uint8Array());
  }
  return out;
}

/** The data of every buffer, in order (empty for buffers without data). */
export function tfliteBuffers(model: Uint8Array): Uint8Array[] {
  const { r, fields } = openModel(model);
  if (!fields[F_BUFFERS]) return [];
  return r.tableVector(r.deref(fields[F_BUFFERS])).map((b) => {
    const [dataF] = r.fieldPositions(b);
    return dataF ? r.ubyteVector(r.deref(dataF)) : new Uint8Array();
  });
}

/** A forward-growing little-endian byte writer with offsets patched once their targets are placed. */
class FlatWriter {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  length = 0;
  private grow(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  align(n: number, extra = 0): void {
    while ((this.length + extra) % n) this.u8(0);
  }
  u8(v: number): number {
    this.grow(1);
    this.buf[this.length] = v;
    return this.length++;
  }
  u16(v: number): number {
    this.grow(2);
    this.dv.setUint16(this.length, v, true);
    this.length += 2;
    return this.length - 2;
  }
  u32(v: number): number {
    this.grow(4);
    this.dv.setUint32(this.length, v, true);
    this.length += 4;
    return this.length - 4;
  }
  bytes(b: Uint8Array): number {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this.length - b.length;
  }
  /** Writes at `pos` the forward offset to `target`, as FlatBuffers' uoffset_t. */
  patchOffset(pos: number, target: number): void {
    if (target <= pos) throw new Error('internal error: a FlatBuffer offset must point forward');
    this.dv.setUint32(pos, target - pos, true);
  }
  setU32(pos: number, v: number): void {
    this.dv.setUint32(pos, v, true);
  }
  patchSOffset(tablePos: number, vtablePos: number): void {
    this.dv.setInt32(tablePos, tablePos - vtablePos, true);
  }
  /** A table whose fields are all 4 bytes wide (scalars or offsets); returns each field's position. */
  table(present: boolean[]): { table: number; field: number[] } {
    this.align(2);
    const vtable = this.u16(4 + 2 * present.length);
    this.u16(4 + 4 * present.length);
    present.forEach((p, i) => this.u16(p ? 4 + 4 * i : 0));
    this.align(4);
    const table = this.u32(0);
    this.patchSOffset(table, vtable);
    const field = present.map(() => this.u32(0));
    return { table, field };
  }
  string(s: string): number {
    const b = new TextEncoder().encode(s);
    this.align(4);
    const pos = this.u32(b.length);
    this.bytes(b);
    this.u8(0);
    return pos;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Returns a new model with `entries` added as named metadata buffers (e.g. "TFLITE_METADATA" holding a
 * ModelMetadata FlatBuffer). Refuses a name the model already has.
 */
export function addTfliteMetadata(model: Uint8Array, entries: Array<{ name: string; data: Uint8Array }>): Uint8Array {
  const { r, fields } = openModel(model);
  const existing = tfliteMetadata(model);
  for (const e of entries) if (existing.has(e.name)) throw new Error(`the model already has a "${e.name}" metadata entry`);
  const oldBuffers = fields[F_BUFFERS] ? r.tableVector(r.deref(fields[F_BUFFERS])) : [];
  const oldMetadata = fields[F_METADATA] ? r.tableVector(r.deref(fields[F_METADATA])) : [];

  const w = new FlatWriter();
  // Offsets into the original file, resolved once we know where it starts in the new one.
  const intoOriginal: Array<{ at: number; target: number }> = [];
  const rootAt = w.u32(0);
  w.bytes(new TextEncoder().encode(MODEL_IDENTIFIER));

  const root = w.table(Array.from({ length: MODEL_FIELDS }, (_, i) => i === F_BUFFERS || i === F_METADATA || fields[i] !== 0));
  w.patchOffset(rootAt, root.table);
  if (fields[F_VERSION]) w.setU32(root.field[F_VERSION], r.u32(fields[F_VERSION]));
  for (let i = 0; i < MODEL_FIELDS; i++) {
    if (fields[i] && i !== F_VERSION && i !== F_BUFFERS && i !== F_METADATA) intoOriginal.push({ at: root.field[i], target: r.deref(fields[i]) });
  }

  // buffers: the original ones, then one per entry; metadata: the original entries, then the new ones.
  w.align(4);
  w.patchOffset(root.field[F_BUFFERS], w.u32(oldBuffers.length + entries.length));
  for (const b of oldBuffers) intoOriginal.push({ at: w.u32(0), target: b });
  const newBufferSlots = entries.map(() => w.u32(0));
  w.patchOffset(root.field[F_METADATA], w.u32(oldMetadata.length + entries.length));
  for (const m of oldMetadata) intoOriginal.push({ at: w.u32(0), target: m });
  const newMetadataSlots = entries.map(() => w.u32(0));

  entries.forEach((e, k) => {
    const meta = w.table([true, true]);
    w.patchOffset(newMetadataSlots[k], meta.table);
    w.setU32(meta.field[1], oldBuffers.length + k);
    const buffer = w.table([true]);
    w.patchOffset(newBufferSlots[k], buffer.table);
    w.patchOffset(meta.field[0], w.string(e.name));
    // Buffer.data is force_align 16: its first byte (after the 4-byte length) on a 16-byte boundary.
    w.align(16, 4);
    w.patchOffset(buffer.field[0], w.u32(e.data.length));
    w.bytes(e.data);
  });

  // The original file goes at a 16-byte boundary, so everything in it keeps its alignment.
  w.align(16);
  const base = w.bytes(model);
  for (const p of intoOriginal) w.patchOffset(p.at, base + p.target);
  return w.result();
}
