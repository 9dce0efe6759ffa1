/**
 * Decodes BlazeFace SSD output ([anchors, 1 + 4 + 2·K] per image) into face candidates, following
 * MediaPipe's SsdAnchorsCalculator and TensorsToDetectionsCalculator for the face detector: unit-size anchors
 * on a grid per stride, box centre/size and keypoints as pixel offsets from the anchor centre, sigmoid of a
 * clipped logit as the score.
 */

export interface BlazeFaceDecoderSpec {
  inputSize: number;
  anchors: { strides: number[]; anchorOffset: number; interpolatedScaleAspectRatio?: number; aspectRatios: number[] };
  numAnchors: number;
  keypoints: string[];
  scoreClip: number;
  minScore: number;
  nmsIou: number;
}

/** A detection in normalised input coordinates (0..1 of the square detector input). */
export interface RawDetection {
  score: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  keypoints: Array<[number, number]>;
}

/** Anchor centres (x, y pairs, normalised). Consecutive layers with the same stride share one grid. */
export function ssdAnchors(spec: BlazeFaceDecoderSpec): Float32Array {
  const { strides, anchorOffset, aspectRatios, interpolatedScaleAspectRatio } = spec.anchors;
  const centres: number[] = [];
  let layer = 0;
  while (layer < strides.length) {
    let perCell = 0;
    let last = layer;
    while (last < strides.length && strides[last] === strides[layer]) {
      perCell += aspectRatios.length + (interpolatedScaleAspectRatio && interpolatedScaleAspectRatio > 0 ? 1 : 0);
      last++;
    }
    const fm = Math.ceil(spec.inputSize / strides[layer]);
    for (let y = 0; y < fm; y++)
      for (let x = 0; x < fm; x++)
        for (let a = 0; a < perCell; a++) centres.push((x + anchorOffset) / fm, (y + anchorOffset) / fm);
    layer = last;
  }
  if (centres.length / 2 !== spec.numAnchors) throw new Error(`Anchor spec gives ${centres.length / 2} anchors, model has ${spec.numAnchors}`);
  return new Float32Array(centres);
}

/** Candidates above minScore for one image; `raw` holds numAnchors × (5 + 2K) values starting at `offset`. */
export function decodeCandidates(raw: Float32Array, offset: number, anchors: Float32Array, spec: BlazeFaceDecoderSpec, minScore = spec.minScore): RawDetection[] {
  const K = spec.keypoints.length;
  const stride = 5 + 2 * K;
  const n = spec.numAnchors;
  const s = spec.inputSize;
  const logitMin = Math.log(minScore / (1 - minScore));
  const out: RawDetection[] = [];
  for (let a = 0; a < n; a++) {
    const p = offset + a * stride;
    const logit = Math.max(-spec.scoreClip, Math.min(spec.scoreClip, raw[p]));
    if (logit < logitMin) continue;
    const ax = anchors[2 * a];
    const ay = anchors[2 * a + 1];
    const keypoints: Array<[number, number]> = [];
    for (let k = 0; k < K; k++) keypoints.push([raw[p + 5 + 2 * k] / s + ax, raw[p + 6 + 2 * k] / s + ay]);
    out.push({ score: 1 / (1 + Math.exp(-logit)), cx: raw[p + 1] / s + ax, cy: raw[p + 2] / s + ay, w: raw[p + 3] / s, h: raw[p + 4] / s, keypoints });
  }
  return out;
}

function iou(a: RawDetection, b: RawDetection): number {
  const ix = Math.max(0, Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2));
  const iy = Math.max(0, Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * MediaPipe's weighted NMS: the best remaining candidate and everything overlapping it by more than `iouThr`
 * form a cluster; the output is the score-weighted mean of the cluster's boxes and keypoints with the best
 * score. Steadier boxes than hard NMS, which matters for the crop and the tracker.
 */
export function weightedNms(cands: RawDetection[], iouThr: number): RawDetection[] {
  const rest = [...cands].sort((a, b) => b.score - a.score);
  const out: RawDetection[] = [];
  while (rest.length) {
    const best = rest[0];
    const cluster: RawDetection[] = [];
    const keep: RawDetection[] = [];
    for (const c of rest) (iou(best, c) > iouThr || c === best ? cluster : keep).push(c);
    let tw = 0;
    let cx = 0;
    let cy = 0;
    let w = 0;
    let h = 0;
    const kps = best.keypoints.map((): [number, number] => [0, 0]);
    for (const c of cluster) {
      tw += c.score;
      cx += c.cx * c.score;
      cy += c.cy * c.score;
      w += c.w * c.score;
      h += c.h * c.score;
      c.keypoints.forEach(([x, y], k) => {
        kps[k][0] += x * c.score;
        kps[k][1] += y * c.score;
      });
    }
    out.push({ score: best.score, cx: cx / tw, cy: cy / tw, w: w / tw, h: h / tw, keypoints: kps.map(([x, y]) => [x / tw, y / tw]) });
    rest.splice(0, rest.length, ...keep);
  }
  return out;
}
