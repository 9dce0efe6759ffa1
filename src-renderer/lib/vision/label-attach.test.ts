import { describe, expect, it } from 'vitest';
import type { FaceObservation, FrameFaces } from '../../../src-shared/contract/face.js';
import { LabelAttacher, pairBoxes, PreviewTracks } from './label-attach.js';

const obs = (trackId: number, box: FaceObservation['box'], dominant: FaceObservation['dominant']): FaceObservation => ({
  trackId,
  participant: trackId === 1,
  box,
  quality: { detScore: 0.9, sizePx: box.h, rollDeg: 0, sharpness: 300, reliable: true, reasons: [] },
  probs: [0.1, 0.4, 0.1, 0.1, 0.1, 0.1, 0.1],
  dominant,
});

describe('labels from the main process on the preview boxes', () => {
  it('pairs boxes one to one, by overlap first and then by distance', () => {
    const a = [{ x: 0, y: 0, w: 100, h: 100 }, { x: 300, y: 0, w: 100, h: 100 }];
    expect(pairBoxes(a, [{ x: 310, y: 5, w: 100, h: 100 }, { x: 5, y: 0, w: 100, h: 100 }])).toEqual([1, 0]);
    expect(pairBoxes(a, [{ x: 150, y: 0, w: 100, h: 100 }])).toEqual([-1, -1]);
  });

  it('keeps preview ids across frames as faces move', () => {
    const t = new PreviewTracks();
    const [l, r] = t.update(0, [{ x: 0, y: 0, w: 100, h: 100 }, { x: 400, y: 0, w: 100, h: 100 }]);
    expect(t.update(33, [{ x: 420, y: 5, w: 100, h: 100 }, { x: 15, y: 0, w: 100, h: 100 }])).toEqual([r, l]);
    // Gone longer than the gap: a face there later is a new one.
    expect(t.update(1000, [{ x: 15, y: 0, w: 100, h: 100 }])[0]).not.toBe(l);
  });

  it('attaches each main track to the preview box of the frame it analysed, and the label follows that box', () => {
    const tracks = new PreviewTracks();
    const att = new LabelAttacher();
    const at = (atMs: number, boxes: Array<{ x: number; y: number; w: number; h: number }>) => {
      const ids = tracks.update(atMs, boxes);
      att.addPreviewFrame({ atMs, width: 1280, height: 960, faces: boxes.map((box, i) => ({ id: ids[i], box })) });
      return ids;
    };
    const [left, right] = at(1000, [{ x: 100, y: 100, w: 200, h: 200 }, { x: 800, y: 100, w: 200, h: 200 }]);
    at(1033, [{ x: 110, y: 100, w: 200, h: 200 }, { x: 790, y: 100, w: 200, h: 200 }]);
    // The result for the frame at 1000 ms arrives later, in a frame downscaled to 640×480.
    const result: FrameFaces = { tMs: 1000, width: 640, height: 480, faces: [obs(7, { x: 400, y: 50, w: 100, h: 100 }, 'happy'), obs(1, { x: 50, y: 50, w: 100, h: 100 }, 'sad')] };
    at(1300, [{ x: 200, y: 110, w: 200, h: 200 }, { x: 700, y: 100, w: 200, h: 200 }]);
    att.addMainResult(result, 1000);
    expect(att.labelFor(left, 1300)?.observation).toMatchObject({ trackId: 1, dominant: 'sad' });
    expect(att.labelFor(right, 1300)?.observation).toMatchObject({ trackId: 7, dominant: 'happy' });
    // Labels are dropped when no newer result confirms them for a while.
    expect(att.labelFor(left, 1000 + 3001)).toBeNull();
  });

  it('drops a label when the main process analysed the frame and did not find that face', () => {
    const att = new LabelAttacher();
    const box = { x: 100, y: 100, w: 200, h: 200 };
    att.addPreviewFrame({ atMs: 0, width: 640, height: 480, faces: [{ id: 1, box }] });
    att.addMainResult({ tMs: 0, width: 640, height: 480, faces: [obs(3, box, 'angry')] }, 0);
    expect(att.labelFor(1, 10)).not.toBeNull();
    att.addPreviewFrame({ atMs: 100, width: 640, height: 480, faces: [{ id: 1, box }] });
    att.addMainResult({ tMs: 100, width: 640, height: 480, faces: [] }, 100);
    expect(att.labelFor(1, 110)).toBeNull();
  });
});
