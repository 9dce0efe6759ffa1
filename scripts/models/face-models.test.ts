import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { getModel, loadManifest, sha256File } from '../../src-main/core/inference/manifest.js';
import { FACE_MODELS } from './face-model-specs.js';
import { decodeFloat32 } from './fixture-codec.js';

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');

interface Fixture {
  onnxSha256: string;
  input: { name: string; dims: number[] };
  outputs: Array<{ name: string; dims: number[]; float32le: string }>;
}

describe('converted face models match the original tfjs models', () => {
  const manifest = loadManifest(modelsDir);
  for (const spec of FACE_MODELS) {
    it(`${spec.id}: onnxruntime within ${spec.tolerance ?? 1e-4} of tfjs on the fixture inputs`, async () => {
      const entry = getModel(manifest, spec.id);
      const file = path.join(modelsDir, entry.file);
      expect(sha256File(file)).toBe(entry.sha256);
      const fixture = JSON.parse(readFileSync(path.join(modelsDir, spec.fixture), 'utf8')) as Fixture;
      // A fixture recorded for another conversion would compare the wrong file.
      expect(fixture.onnxSha256).toBe(entry.sha256);
      const input = spec.fixtureInput();
      expect(input.dims).toEqual(fixture.input.dims);
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
      try {
        const out = await session.run({ [fixture.input.name]: new ort.Tensor('float32', input.data, input.dims) });
        for (const ref of fixture.outputs) {
          const got = out[ref.name];
          expect(got.dims).toEqual(ref.dims);
          const want = decodeFloat32(ref.float32le);
          const data = got.data as Float32Array;
          let maxAbs = 0;
          for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i] - want[i]));
          expect(maxAbs).toBeLessThanOrEqual(spec.tolerance ?? 1e-4);
        }
      } finally {
        await session.release();
      }
    });
  }
});
