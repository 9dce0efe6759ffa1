/**
 * Deterministic model inputs for the conversion fixtures. The converter feeds them to the original tfjs
 * model and the test feeds them to the ONNX file; both regenerate them from this code, so the fixture only
 * stores outputs. Pure arithmetic in float64 rounded once to float32: identical on every platform.
 */
import { mulberry32 } from '../../src-shared/seeded-random.js';

/** A drawn cartoon face (ellipse head, two eyes, a mouth) in [0,1] intensity, size×size. */
function cartoonFace(size: number, x: number, y: number): number {
  const u = (x + 0.5) / size - 0.5;
  const v = (y + 0.5) / size - 0.5;
  let g = 0.25 + 0.2 * (u + 0.5);
  if ((u / 0.34) ** 2 + (v / 0.44) ** 2 < 1) g = 0.75;
  if ((u + 0.13) ** 2 + (v + 0.1) ** 2 < 0.0036 || (u - 0.13) ** 2 + (v + 0.1) ** 2 < 0.0036) g = 0.1;
  if (Math.abs(v - 0.2 - 1.5 * u * u) < 0.02 && Math.abs(u) < 0.15) g = 0.2;
  return g;
}

/** Emotion fixture batch: NHWC [4, 64, 64, 1] in [-1, 1]: noise, gradient, cartoon face, zeros. */
export function emotionFixtureInput(): { data: Float32Array; dims: number[] } {
  const n = 4;
  const s = 64;
  const data = new Float32Array(n * s * s);
  const rnd = mulberry32(1);
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) {
      const i = y * s + x;
      data[i] = rnd() * 2 - 1;
      data[s * s + i] = (x + y) / (2 * (s - 1)) * 2 - 1;
      data[2 * s * s + i] = cartoonFace(s, x, y) * 2 - 1;
      data[3 * s * s + i] = 0;
    }
  return { data, dims: [n, s, s, 1] };
}

/** Detector fixture batch: NHWC [2, S, S, 3] in [-1, 1]: colour noise and a cartoon face on a tinted background. */
export function detectorFixtureInput(size: number): { data: Float32Array; dims: number[] } {
  const n = 2;
  const data = new Float32Array(n * size * size * 3);
  const rnd = mulberry32(2);
  const plane = size * size * 3;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * size + x) * 3 + c;
        data[i] = rnd() * 2 - 1;
        const g = cartoonFace(size, x, y);
        data[plane + i] = Math.min(1, g * (c === 0 ? 1.1 : c === 1 ? 0.95 : 0.85)) * 2 - 1;
      }
  return { data, dims: [n, size, size, 3] };
}

/** Face-mesh fixture batch: the detector's two images at `size`, in [0, 1] as the landmark model takes them. */
export function meshFixtureInput(size: number): { data: Float32Array; dims: number[] } {
  const { data, dims } = detectorFixtureInput(size);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround((data[i] + 1) / 2);
  return { data, dims };
}
