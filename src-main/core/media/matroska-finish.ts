/**
 * Makes ffmpeg's streamed (non-seekable) WebM/Matroska output seekable without a temporary file: ffmpeg
 * writes no duration, no cues and an unknown segment size when its output is a pipe, because it cannot go
 * back to fill them in. This reads that stream element by element and writes
 *
 *   EBML header | Segment (size) | SeekHead (Info, Tracks, Cues) | Info (+ Duration) | Tracks | … | Clusters | Cues
 *
 * where the segment size, the SeekHead and the duration are only known at the end. They all lie in the first
 * bytes of the output, which the sink keeps in memory until close (an encrypted file's deferred first chunk).
 * Cue points are the video track's keyframes (or, with no video, each cluster's first audio block), as
 * ffmpeg's own muxer makes them. Memory: one cluster at a time plus the cue list.
 */

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Void: 0xec,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  BlockDuration: 0x9b,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
  CueRelativePosition: 0xf0,
} as const;

/** The longest element kept in memory at once (a cluster); ffmpeg's streamed clusters are far smaller. */
const MAX_ELEMENT = 64 * 1024 * 1024;
const SEEKHEAD_RESERVED = 96;

export class MatroskaFinishError extends Error {}

/** Where the finished bytes go: appended in order, then `close` may rewrite bytes in the first `headBytes`. */
export interface PatchableSink {
  readonly headBytes: number;
  write(data: Uint8Array): Promise<void>;
  close(patch: (head: Buffer) => void): Promise<void>;
}

export interface FinishedMatroska {
  durationMs: number;
  cues: number;
  bytes: number;
}

// ---- EBML encoding ---------------------------------------------------------------------------------------

function idBytes(id: number): Buffer {
  const len = id >= 0x1000000 ? 4 : id >= 0x10000 ? 3 : id >= 0x100 ? 2 : 1;
  const b = Buffer.alloc(len);
  b.writeUIntBE(id, 0, len);
  return b;
}

function sizeVint(size: number, width?: number): Buffer {
  let len = width ?? 1;
  while (!width && size >= 2 ** (7 * len) - 1) len++;
  const b = Buffer.alloc(len);
  let v = size;
  for (let i = len - 1; i >= 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  b[0] |= 0x80 >> (len - 1);
  return b;
}

function element(id: number, payload: Buffer): Buffer {
  return Buffer.concat([idBytes(id), sizeVint(payload.length), payload]);
}

function uintPayload(v: number, width?: number): Buffer {
  let len = width ?? 1;
  while (!width && len < 8 && v >= 2 ** (8 * len)) len++;
  const b = Buffer.alloc(len);
  let x = BigInt(v);
  for (let i = len - 1; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}

const uintElement = (id: number, v: number, width?: number) => element(id, uintPayload(v, width));

function voidElement(total: number): Buffer {
  // A Void of `total` bytes: 1 byte id, then a size field wide enough to make it exact.
  if (total < 2) throw new MatroskaFinishError('Void too small');
  const sizeWidth = total - 1 > 127 ? 2 : 1;
  const payload = total - 1 - sizeWidth;
  return Buffer.concat([idBytes(ID.Void), sizeVint(payload, sizeWidth), Buffer.alloc(payload)]);
}

// ---- EBML decoding ---------------------------------------------------------------------------------------

interface Header {
  id: number;
  /** null: unknown size. */
  size: number | null;
  headerLength: number;
}

/** Reads an element header at `at`, or null if the buffer does not yet hold all of it. */
function readHeader(b: Buffer, at: number): Header | null {
  if (at >= b.length) return null;
  const first = b[at];
  const idLen = Math.clz32(first) - 23;
  if (idLen < 1 || idLen > 4) throw new MatroskaFinishError(`Not a Matroska element at byte ${at}`);
  if (at + idLen >= b.length) return null;
  const id = b.readUIntBE(at, idLen);
  const s0 = b[at + idLen];
  const sizeLen = Math.clz32(s0) - 23;
  if (sizeLen < 1 || sizeLen > 8) throw new MatroskaFinishError(`Bad element size at byte ${at + idLen}`);
  if (at + idLen + sizeLen > b.length) return null;
  let size = s0 & (0xff >> sizeLen);
  let allOnes = size === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    const byte = b[at + idLen + i];
    allOnes &&= byte === 0xff;
    size = size * 256 + byte;
  }
  return { id, size: allOnes ? null : size, headerLength: idLen + sizeLen };
}

function* children(b: Buffer): Generator<{ id: number; start: number; dataStart: number; end: number }> {
  let at = 0;
  while (at < b.length) {
    const h = readHeader(b, at);
    if (!h || h.size === null) throw new MatroskaFinishError('Truncated or unknown-size child element');
    const dataStart = at + h.headerLength;
    const end = dataStart + h.size;
    if (end > b.length) throw new MatroskaFinishError('Child element runs past its parent');
    yield { id: h.id, start: at, dataStart, end };
    at = end;
  }
}

const readUint = (b: Buffer): number => (b.length === 0 ? 0 : b.length <= 6 ? b.readUIntBE(0, b.length) : Number(b.readBigUInt64BE(b.length - 8)));

/** Track number and the block's timecode relative to its cluster, from a (Simple)Block's payload. */
function blockInfo(payload: Buffer): { track: number; rel: number; keyframe: boolean } {
  const l = Math.clz32(payload[0]) - 23;
  let track = payload[0] & (0xff >> l);
  for (let i = 1; i < l; i++) track = track * 256 + payload[i];
  return { track, rel: payload.readInt16BE(l), keyframe: (payload[l + 2] & 0x80) !== 0 };
}

// ---- the finisher ----------------------------------------------------------------------------------------

class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  push(b: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : Buffer.from(b);
  }
  get length(): number {
    return this.buf.length;
  }
  peekHeader(): Header | null {
    return readHeader(this.buf, 0);
  }
  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

export async function finishMatroska(input: AsyncIterable<Uint8Array>, sink: PatchableSink): Promise<FinishedMatroska> {
  const q = new ByteQueue();
  let out = 0;
  const write = async (b: Buffer): Promise<void> => {
    await sink.write(b);
    out += b.length;
  };

  let segmentSizeAt = -1;
  let segmentDataStart = -1;
  let seekHeadAt = -1;
  let durationAt = -1;
  let infoPos = -1;
  let tracksPos = -1;
  let timecodeScale = 1_000_000;
  let videoTrack: number | null = null;
  let firstAudioTrack: number | null = null;
  let clusters = 0;
  const cues: Buffer[] = [];
  const lastTs = new Map<number, { last: number; prev: number }>();
  let inSegment = false;

  const handle = async (h: Header, whole: Buffer): Promise<void> => {
    const data = whole.subarray(h.headerLength);
    if (!inSegment) {
      if (h.id !== ID.EBML) throw new MatroskaFinishError('The stream does not start with an EBML header');
      await write(whole);
      return;
    }
    switch (h.id) {
      case ID.SeekHead:
      case ID.Void:
      case ID.Cues:
        return; // replaced by ours
      case ID.Info: {
        const kept: Buffer[] = [];
        for (const c of children(data)) {
          if (c.id === ID.Duration) continue;
          if (c.id === ID.TimecodeScale) timecodeScale = readUint(data.subarray(c.dataStart, c.end));
          kept.push(data.subarray(c.start, c.end));
        }
        const durationEl = Buffer.concat([idBytes(ID.Duration), sizeVint(8), Buffer.alloc(8)]);
        const payload = Buffer.concat([...kept, durationEl]);
        const info = element(ID.Info, payload);
        infoPos = out - segmentDataStart;
        durationAt = out + info.length - 8;
        await write(info);
        return;
      }
      case ID.Tracks: {
        for (const t of children(data)) {
          if (t.id !== ID.TrackEntry) continue;
          let number = 0;
          let type = 0;
          const entry = data.subarray(t.dataStart, t.end);
          for (const f of children(entry)) {
            if (f.id === ID.TrackNumber) number = readUint(entry.subarray(f.dataStart, f.end));
            if (f.id === ID.TrackType) type = readUint(entry.subarray(f.dataStart, f.end));
          }
          if (type === 1 && videoTrack === null) videoTrack = number;
          if (type === 2 && firstAudioTrack === null) firstAudioTrack = number;
        }
        tracksPos = out - segmentDataStart;
        await write(whole);
        return;
      }
      case ID.Cluster: {
        const clusterPos = out - segmentDataStart;
        let clusterTc = 0;
        let cuedThisCluster = false;
        const cueTrack = videoTrack ?? firstAudioTrack;
        for (const c of children(data)) {
          if (c.id === ID.Timecode) clusterTc = readUint(data.subarray(c.dataStart, c.end));
          let blockPayload: Buffer | null = null;
          let keyframe = false;
          if (c.id === ID.SimpleBlock) {
            blockPayload = data.subarray(c.dataStart, c.end);
            keyframe = blockInfo(blockPayload).keyframe;
          } else if (c.id === ID.BlockGroup) {
            const g = data.subarray(c.dataStart, c.end);
            let hasReference = false;
            for (const gc of children(g)) {
              if (gc.id === ID.Block) blockPayload = g.subarray(gc.dataStart, gc.end);
              if (gc.id === 0xfb) hasReference = true; // ReferenceBlock: not a keyframe
            }
            keyframe = !hasReference;
          }
          if (!blockPayload) continue;
          const { track, rel } = blockInfo(blockPayload);
          const ts = clusterTc + rel;
          const seen = lastTs.get(track);
          lastTs.set(track, seen ? { last: Math.max(seen.last, ts), prev: seen.last } : { last: ts, prev: ts });
          const cue = track === cueTrack && (videoTrack !== null ? keyframe : !cuedThisCluster);
          if (cue) {
            cuedThisCluster = true;
            const positions = Buffer.concat([
              uintElement(ID.CueTrack, track),
              uintElement(ID.CueClusterPosition, clusterPos),
              uintElement(ID.CueRelativePosition, c.start),
            ]);
            cues.push(element(ID.CuePoint, Buffer.concat([uintElement(ID.CueTime, ts), element(ID.CueTrackPositions, positions)])));
          }
        }
        clusters++;
        await write(whole);
        return;
      }
      default:
        // Tags, Chapters, Attachments…: kept where they were.
        await write(whole);
    }
  };

  const drain = async (final: boolean): Promise<void> => {
    for (;;) {
      const h = q.peekHeader();
      if (!h) break;
      if (!inSegment && h.id === ID.Segment) {
        q.take(h.headerLength);
        inSegment = true;
        await write(idBytes(ID.Segment));
        segmentSizeAt = out;
        await write(sizeVint(0, 8));
        segmentDataStart = out;
        seekHeadAt = out;
        await write(voidElement(SEEKHEAD_RESERVED));
        continue;
      }
      if (h.size === null) throw new MatroskaFinishError(`Element 0x${h.id.toString(16)} has an unknown size`);
      const total = h.headerLength + h.size;
      if (total > MAX_ELEMENT) throw new MatroskaFinishError(`A ${total}-byte element is more than the finisher holds in memory`);
      if (q.length < total) break;
      await handle(h, q.take(total));
    }
    if (final && q.length) throw new MatroskaFinishError(`The stream ends inside an element (${q.length} bytes left)`);
  };

  for await (const piece of input) {
    q.push(piece);
    await drain(false);
  }
  await drain(true);
  if (!inSegment || infoPos < 0 || tracksPos < 0) throw new MatroskaFinishError('The stream has no segment information or tracks');
  if (clusters === 0) throw new MatroskaFinishError('The stream holds no media data');

  const cuesPos = out - segmentDataStart;
  await write(element(ID.Cues, Buffer.concat(cues)));

  let endTs = 0;
  for (const { last, prev } of lastTs.values()) endTs = Math.max(endTs, last + (last - prev));
  const durationMs = (endTs * timecodeScale) / 1e6;
  const segmentSize = out - segmentDataStart;
  const seek = (id: number, pos: number) => element(ID.Seek, Buffer.concat([element(ID.SeekID, idBytes(id)), uintElement(ID.SeekPosition, pos, 8)]));
  const seekHead = element(ID.SeekHead, Buffer.concat([seek(ID.Info, infoPos), seek(ID.Tracks, tracksPos), seek(ID.Cues, cuesPos)]));
  const reserved = Buffer.concat([seekHead, voidElement(SEEKHEAD_RESERVED - seekHead.length)]);

  if (durationAt + 8 > sink.headBytes) throw new MatroskaFinishError('The stream’s header is larger than the part kept for finishing');
  await sink.close((head) => {
    sizeVint(segmentSize, 8).copy(head, segmentSizeAt);
    reserved.copy(head, seekHeadAt);
    head.writeDoubleBE(endTs, durationAt);
  });
  return { durationMs, cues: cues.length, bytes: out };
}
