/**
 * A camera frame's copied pixels (preview-worker-protocol.ts FramePixels) as packed RGBA at the analysis scale,
 * in plain script: the preview detector's worker gives tasks-vision this instead of a VideoFrame.
 *
 * Why: handed an I420 VideoFrame, tasks-vision converts it to RGB through WebGL, which without graphics hardware
 * is SwiftShader; on a 2-core AMD EPYC VM that made one detection take 78-122 ms (camera frames come every 33 ms),
 * while the same detection on packed RGBA takes ~12 ms and this conversion ~2 ms (docs/framing.md). The framing
 * checks' pixel measures are taken on the same buffer, so the frame is converted once.
 */
import type { FramePixels } from './preview-worker-protocol.js';

export interface RgbaImage {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

/** Y'CbCr to R'G'B' coefficients (per unit of Y and of centred Cb, Cr). */
interface YuvMatrix {
  yScale: number;
  yOffset: number;
  rv: number;
  gu: number;
  gv: number;
  bu: number;
}

/** Kr, Kb of the matrices a camera frame reports (VideoColorSpace.matrix); BT.601 when unknown. */
const KR_KB: Record<string, [number, number]> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

export function yuvMatrix(matrix: string | null | undefined, fullRange: boolean | null | undefined): YuvMatrix {
  const [kr, kb] = KR_KB[matrix ?? ''] ?? KR_KB.smpte170m;
  const kg = 1 - kr - kb;
  // Limited range: Y' in 16..235, Cb/Cr in 16..240 (224 steps around 128).
  const yScale = fullRange ? 1 : 255 / 219;
  const cScale = fullRange ? 1 : 255 / 224;
  return {
    yScale,
    yOffset: fullRange ? 0 : 16,
    rv: 2 * (1 - kr) * cScale,
    gu: ((2 * (1 - kb) * kb) / kg) * cScale,
    gv: ((2 * (1 - kr) * kr) / kg) * cScale,
    bu: 2 * (1 - kb) * cScale,
  };
}

interface PlanarShape {
  /** Chroma subsampling: source pixels per chroma sample, across and down. */
  sx: number;
  sy: number;
  /** Cb and Cr interleaved in one plane (NV12). */
  interleaved: boolean;
}

const PLANAR: Partial<Record<VideoPixelFormat, PlanarShape>> = {
  I420: { sx: 2, sy: 2, interleaved: false },
  I420A: { sx: 2, sy: 2, interleaved: false },
  I422: { sx: 2, sy: 1, interleaved: false },
  I444: { sx: 1, sy: 1, interleaved: false },
  NV12: { sx: 2, sy: 2, interleaved: true },
};

/** Byte offsets of R, G, B in a packed pixel. */
const PACKED: Partial<Record<VideoPixelFormat, [number, number, number]>> = {
  RGBA: [0, 1, 2],
  RGBX: [0, 1, 2],
  BGRA: [2, 1, 0],
  BGRX: [2, 1, 0],
};

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** 0..255 for any sum the tables below can give (a Y' of 0..255 plus a chroma share of about ±290). */
const CLAMP_AT = 512;
const CLAMP = Uint8Array.from({ length: 1536 }, (_, i) => Math.max(0, Math.min(255, i - CLAMP_AT)));

/**
 * Source columns (or rows) each output column covers: [start, end) per output index, at least one, within the
 * `inSize` source pixels from `base`.
 */
function spans(outSize: number, inSize: number, base: number): Int32Array {
  const s = new Int32Array(outSize * 2);
  const step = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const a = Math.min(inSize - 1, Math.floor(i * step));
    s[2 * i] = base + a;
    s[2 * i + 1] = base + Math.max(a + 1, Math.min(inSize, Math.floor((i + 1) * step)));
  }
  return s;
}

/** Whole pixels of a frame. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Output size at `scale` (0 < scale <= 1), rounded as everywhere a frame is downscaled for analysis. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  const k = Math.min(1, scale);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/**
 * The frame, or the `region` of it, as RGBA at `scale` (each output pixel the mean of the source pixels it
 * covers), or null when its pixel format is not one a camera delivers here (the caller then hands tasks-vision
 * the frame itself).
 */
export function framePixelsToRgba(p: FramePixels, scale: number, region?: PixelRect): RgbaImage | null {
  const planar = PLANAR[p.format];
  const packed = PACKED[p.format];
  if (!planar && !packed) return null;
  const r = clampRect(region ?? { x: 0, y: 0, width: p.width, height: p.height }, p.width, p.height);
  if (!r) return null;
  const whole = r.x === 0 && r.y === 0 && r.width === p.width && r.height === p.height;
  const src = new Uint8Array(p.data);
  const out = scaledSize(r.width, r.height, scale);
  const data = new Uint8ClampedArray(out.width * out.height * 4);
  const cols = spans(out.width, r.width, r.x);
  const rows = spans(out.height, r.height, r.y);

  if (packed) {
    const [ro, go, bo] = packed;
    const { offset, stride } = p.layout[0];
    for (let oy = 0; oy < out.height; oy++) {
      const y0 = rows[2 * oy];
      const y1 = rows[2 * oy + 1];
      for (let ox = 0; ox < out.width; ox++) {
        const x0 = cols[2 * ox];
        const x1 = cols[2 * ox + 1];
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0, i = offset + y * stride + x * 4; x < x1; x++, i += 4) {
            r += src[i + ro];
            g += src[i + go];
            b += src[i + bo];
          }
        }
        const n = (y1 - y0) * (x1 - x0);
        const o = (oy * out.width + ox) * 4;
        data[o] = r / n;
        data[o + 1] = g / n;
        data[o + 2] = b / n;
        data[o + 3] = 255;
      }
    }
    return { data, ...out };
  }

  const shape = planar!;
  const m = yuvMatrix(p.colorSpace?.matrix, p.colorSpace?.fullRange);
  const yPlane = p.layout[0];
  const uPlane = p.layout[1];
  // NV12: Cb and Cr alternate in the second plane; otherwise Cr has its own.
  const vPlane = shape.interleaved ? p.layout[1] : p.layout[2];
  const cStep = shape.interleaved ? 2 : 1;
  const vShift = shape.interleaved ? 1 : 0;
  // Each sample's share of R, G and B in 1/256ths, looked up rather than multiplied, and pixels written whole as
  // 32-bit words: this runs on every camera frame (~2 ms for 640×480 instead of ~6 with float stores).
  const yT = new Int32Array(256);
  const rT = new Int32Array(256);
  const gT = new Int32Array(256 * 2);
  const bT = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    yT[i] = Math.round((i - m.yOffset) * m.yScale * 256) + 128;
    rT[i] = Math.round(m.rv * (i - 128) * 256);
    gT[i] = Math.round(m.gu * (i - 128) * 256);
    gT[256 + i] = Math.round(m.gv * (i - 128) * 256);
    bT[i] = Math.round(m.bu * (i - 128) * 256);
  }
  const w = p.width;
  if (whole && out.width === w && out.height === p.height && LITTLE_ENDIAN) {
    // Full size: one chroma sample per sx × sy block of pixels.
    const words = new Uint32Array(data.buffer);
    const sx = shape.sx;
    for (let y = 0, o = 0; y < out.height; y++) {
      const cy = Math.floor(y / shape.sy);
      const yRow = yPlane.offset + y * yPlane.stride;
      let ui = uPlane.offset + cy * uPlane.stride;
      let vi = vPlane.offset + cy * vPlane.stride + vShift;
      for (let x = 0; x < w; x += sx, ui += cStep, vi += cStep) {
        const u = src[ui];
        const v = src[vi];
        const dr = rT[v];
        const dg = gT[u] + gT[256 + v];
        const db = bT[u];
        const end = Math.min(w, x + sx);
        for (let xx = x; xx < end; xx++, o++) {
          const l = yT[src[yRow + xx]];
          words[o] = 0xff000000 | (CLAMP[((l + db) >> 8) + CLAMP_AT] << 16) | (CLAMP[((l - dg) >> 8) + CLAMP_AT] << 8) | CLAMP[((l + dr) >> 8) + CLAMP_AT];
        }
      }
    }
    return { data, ...out };
  }
  for (let oy = 0; oy < out.height; oy++) {
    const y0 = rows[2 * oy];
    const y1 = rows[2 * oy + 1];
    // Chroma at the centre of the covered area.
    const cy = Math.floor((y0 + y1 - 1) / 2 / shape.sy);
    const uRow = uPlane.offset + cy * uPlane.stride;
    const vRow = vPlane.offset + cy * vPlane.stride + vShift;
    for (let ox = 0; ox < out.width; ox++) {
      const x0 = cols[2 * ox];
      const x1 = cols[2 * ox + 1];
      let ySum = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, i = yPlane.offset + y * yPlane.stride + x0; x < x1; x++, i++) ySum += src[i];
      }
      const cx = Math.floor((x0 + x1 - 1) / 2 / shape.sx) * cStep;
      const l = (ySum / ((y1 - y0) * (x1 - x0)) - m.yOffset) * m.yScale;
      const u = src[uRow + cx];
      const v = src[vRow + cx];
      const o = (oy * out.width + ox) * 4;
      // Uint8ClampedArray rounds and clamps to 0..255.
      data[o] = l + rT[v] / 256;
      data[o + 1] = l - (gT[u] + gT[256 + v]) / 256;
      data[o + 2] = l + bT[u] / 256;
      data[o + 3] = 255;
    }
  }
  return { data, ...out };
}

/** `r` in whole pixels inside a width × height frame, or null when nothing of it is. */
function clampRect(r: PixelRect, width: number, height: number): PixelRect | null {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.width));
  const y1 = Math.min(height, Math.ceil(r.y + r.height));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
