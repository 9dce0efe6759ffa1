/**
 * Flash video with On2 VP6 (the FLV flavour, `vp6f`) for tests: old research corpora hold such clips, and no
 * ffmpeg build can encode VP6 (it only decodes it). Each frame is a VP6 keyframe (advanced profile) written
 * here: its header, the few header flags the decoder reads from the boolean entropy coder (scaling off, no
 * loop filter, no Huffman coding), then noise as the macroblocks' coefficient data. ffmpeg's decoder reads
 * that noise as coefficients like any other bits, so every frame decodes into a coloured blocky picture. The
 * FLV container is written here too; ffmpeg then adds MP3 audio with the video copied as it is.
 *
 * The entropy coder is the VP8/VP6 boolean coder as RFC 6386 (section 7.3) specifies it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { runFfmpeg } from '../media/ffmpeg.js';
import { mulberry32u32 } from '../../../src-shared/seeded-random.js';

class BoolEncoder {
  private readonly out: number[] = [];
  private range = 255;
  private low = 0;
  private count = -24;

  private carry(): void {
    let i = this.out.length - 1;
    while (i >= 0 && this.out[i] === 255) this.out[i--] = 0;
    this.out[i]++;
  }

  put(bit: 0 | 1, prob = 128): void {
    const split = 1 + (((this.range - 1) * prob) >> 8);
    if (bit) {
      this.low += split;
      this.range -= split;
    } else this.range = split;
    let shift = 0;
    while (this.range << shift < 128) shift++;
    this.range <<= shift;
    this.count += shift;
    if (this.count >= 0) {
      const offset = shift - this.count;
      if ((this.low * 2 ** (offset - 1)) % 2 ** 32 >= 2 ** 31) this.carry();
      this.out.push(Math.floor(this.low / 2 ** (24 - offset)) & 0xff);
      this.low = (this.low * 2 ** offset) % 2 ** 24;
      shift = this.count;
      this.count -= 8;
    }
    this.low = (this.low * 2 ** shift) % 2 ** 32;
  }

  flush(): Uint8Array {
    for (let i = 0; i < 32; i++) this.put(0);
    return Uint8Array.from(this.out);
  }
}

/** A small deterministic generator (mulberry32), so the clip is the same in every run. */
function noise(seed: number): () => number {
  const next = mulberry32u32(seed);
  return () => next() & 0xff;
}

/** One VP6 keyframe of cols×rows macroblocks (16 px each). */
function vp6Keyframe(cols: number, rows: number, next: () => number): Buffer {
  const e = new BoolEncoder();
  e.put(0);
  e.put(0); // scaling mode: none
  e.put(0);
  e.put(0); // loop filter: off (the advanced profile reads these)
  e.put(0); // coefficients from the boolean coder, not Huffman codes
  const flags = e.flush();
  const data = Buffer.alloc(cols * rows * 400);
  for (let i = 0; i < data.length; i++) data[i] = next();
  // Keyframe, quantizer 20, one partition; version 6, advanced profile, progressive; coded and shown size.
  const header = Buffer.from([20 << 1, (6 << 3) | 0x06, rows, cols, rows, cols]);
  return Buffer.concat([header, flags.subarray(0, flags.length - 2), data]);
}

function flvTag(type: number, tsMs: number, data: Buffer): Buffer {
  const head = Buffer.alloc(11);
  head[0] = type;
  head.writeUIntBE(data.length, 1, 3);
  head.writeUIntBE(tsMs & 0xffffff, 4, 3);
  head[7] = (tsMs >>> 24) & 0xff;
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(11 + data.length);
  return Buffer.concat([head, data, tail]);
}

/**
 * Writes `file`: FLV with VP6 video (width×height rounded down to whole macroblocks, `fps` frames a second for
 * `seconds`) and, when `audio` names a sound file, its sound as MP3.
 */
export async function makeVp6Flv(file: string, opts: { seconds: number; fps?: number; width?: number; height?: number; audio?: string }): Promise<string> {
  const fps = opts.fps ?? 15;
  const cols = Math.max(1, Math.floor((opts.width ?? 160) / 16));
  const rows = Math.max(1, Math.floor((opts.height ?? 112) / 16));
  const next = noise(19);
  const header = Buffer.concat([Buffer.from('FLV\x01\x01', 'latin1'), Buffer.from([0, 0, 0, 9, 0, 0, 0, 0])]);
  const tags: Buffer[] = [];
  for (let i = 0; i < Math.round(opts.seconds * fps); i++) {
    // Frame type 1 (keyframe) and codec 4 (VP6), then the size adjustment byte (none).
    tags.push(flvTag(9, Math.round((i * 1000) / fps), Buffer.concat([Buffer.from([0x14, 0x00]), vp6Keyframe(cols, rows, next)])));
  }
  const video = opts.audio ? `${file}.video.flv` : file;
  writeFileSync(video, Buffer.concat([header, ...tags]));
  if (opts.audio) {
    try {
      await runFfmpeg(['-y', '-i', video, '-i', opts.audio, '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'libmp3lame', '-ar', '44100', '-shortest', '-f', 'flv', file]);
    } finally {
      rmSync(video, { force: true });
    }
  }
  return file;
}
