import { FrameAnalyzer } from './frame-analyzer.js';
import { FrameStore } from './frame-store.js';
import { FRAME_HOP, PITCH_FRAME, SPECTRUM_FRAME } from './params.js';

/**
 * Every frame of a whole clip, with the same geometry as VoiceStream (frame k's spectrum spans samples
 * [k·160, k·160 + 400); samples before the clip read as silence). For training dumps and tests.
 */
export function framesOf(samples: Float32Array): FrameStore {
  const count = samples.length >= SPECTRUM_FRAME ? Math.floor((samples.length - SPECTRUM_FRAME) / FRAME_HOP) + 1 : 0;
  const store = new FrameStore(Math.max(1, count));
  const analyzer = new FrameAnalyzer();
  const frame = new Float32Array(PITCH_FRAME);
  const lead = PITCH_FRAME - SPECTRUM_FRAME;
  for (let k = 0; k < count; k++) {
    const from = k * FRAME_HOP - lead;
    // Plain loops: a subarray view per frame costs more than the copy itself.
    const lo = Math.max(0, -from);
    for (let i = 0; i < lo; i++) frame[i] = 0;
    for (let i = lo; i < PITCH_FRAME; i++) frame[i] = samples[from + i];
    analyzer.analyze(frame, store, k);
  }
  return store;
}
