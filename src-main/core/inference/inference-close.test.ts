import { describe, expect, it } from 'vitest';
import { InferenceService } from './inference-service.js';
import { isOnnxModel } from './manifest.js';

/*
 * Locking the app closes the core, and with it the inference worker, whatever analysis is under way. Terminating
 * the worker while ONNX Runtime was creating a session aborted the whole process (the fuzzer found it through
 * vault.lock); this test's process did not survive before close() waited for the worker.
 */
describe('closing the inference service while models load', () => {
  it('fails the waiting callers and leaves the process running', async () => {
    for (let round = 0; round < 3; round++) {
      const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
      await svc.load('silero-vad-v5'); // the worker is up and ORT initialised
      // Every model the core runs (the preview's TFLite detector runs in the renderer and is refused before the worker).
      const loads = svc.manifest.models.filter(isOnnxModel).map((m) => svc.load(m.id).then(() => 'loaded', (e: Error) => e.message));
      await new Promise((r) => setTimeout(r, 5 * round));
      await svc.close();
      const outcomes = await Promise.all(loads);
      for (const o of outcomes) expect(['loaded', 'Inference service is closed']).toContain(o);
      await expect(svc.run('silero-vad-v5', {})).rejects.toThrow(/closed/);
    }
    // Still alive, and a new service works.
    const again = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
    try {
      expect((await again.load('silero-vad-v5')).provider).toBe('cpu');
      await expect(again.load('face-detector-blazeface-short-tflite')).rejects.toThrow(/not an ONNX model.*tasks-vision/);
    } finally {
      await again.close();
    }
  });
});
