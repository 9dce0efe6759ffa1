/**
 * Copies Silero VAD v5 (MIT, snakers4/silero-vad) out of the npm package that ships it and registers it in
 * models/manifest.json with its provenance. The package is fetched with `npm pack` into .cache/, so it never
 * becomes a dependency and nothing is downloaded at run time.
 *
 *   npx tsx scripts/models/fetch-silero-vad.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyManifestEdit, REPO_MODELS_DIR } from './manifest-edit.js';

const PACKAGE = '@ricky0123/vad-web';
const VERSION = '0.0.31';
const PATH_IN_PACKAGE = 'dist/silero_vad_v5.onnx';
const FILE = 'silero_vad_v5.onnx';
/** Pinned so a re-published tarball with other weights is refused rather than shipped. */
const EXPECTED_SHA256 = '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = path.join(repo, '.cache', 'npm-pack', `vad-web-${VERSION}`);

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function fetchPackage(): string {
  const extracted = path.join(cache, 'package');
  if (existsSync(path.join(extracted, PATH_IN_PACKAGE))) return extracted;
  mkdirSync(cache, { recursive: true });
  const out = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', cache, '--silent'], { encoding: 'utf8' });
  const tgz = out.trim().split('\n').pop() ?? '';
  execFileSync('tar', ['xzf', path.join(cache, tgz), '-C', cache]);
  return extracted;
}

const pkgDir = fetchPackage();
const src = path.join(pkgDir, PATH_IN_PACKAGE);
const digest = sha256(src);
if (digest !== EXPECTED_SHA256) {
  throw new Error(`${PACKAGE}@${VERSION}/${PATH_IN_PACKAGE} has sha256 ${digest}, expected ${EXPECTED_SHA256}; refusing to copy`);
}
mkdirSync(REPO_MODELS_DIR, { recursive: true });
copyFileSync(src, path.join(REPO_MODELS_DIR, FILE));

applyManifestEdit({
  entry: {
    id: 'silero-vad-v5',
    task: 'vad',
    file: FILE,
    sha256: digest,
    default: true,
    inputs: [
      {
        name: 'input',
        shape: [-1, 576],
        dtype: 'float32',
        layout: '[batch, 64 context samples + 512 new samples]',
        normalisation:
          '16 kHz mono PCM in [-1, 1]. The first 64 samples repeat the last 64 samples of the previous frame (zeros at stream start), as silero-vad utils_vad.py OnnxWrapper does.',
      },
      {
        name: 'state',
        shape: [2, -1, 128],
        dtype: 'float32',
        layout: 'recurrent state: zeros at stream start, then the previous call’s stateN',
      },
      { name: 'sr', shape: [], dtype: 'int64', normalisation: 'sample rate; always 16000' },
    ],
    outputs: [
      { name: 'output', shape: [-1, 1], dtype: 'float32' },
      { name: 'stateN', shape: [2, -1, 128], dtype: 'float32' },
    ],
    sampleRate: 16000,
    frameSamples: 512,
    contextSamples: 64,
    speechThreshold: 0.5,
    source: {
      package: PACKAGE,
      version: VERSION,
      path: PATH_IN_PACKAGE,
      url: 'https://github.com/snakers4/silero-vad',
      packageLicence: 'ISC',
    },
    licence: 'MIT',
    notes: 'Silero VAD v5 weights (snakers4/silero-vad, MIT) as redistributed inside the npm package; fetched by scripts/models/fetch-silero-vad.ts.',
  },
  cardSection: {
    id: 'silero-vad-v5',
    markdown: `## silero-vad-v5 (speech detection)

- **What**: Silero VAD v5, a small recurrent voice-activity detector (snakers4/silero-vad, MIT licence).
- **Where from**: \`${PACKAGE}@${VERSION}\` (npm, ISC), file \`${PATH_IN_PACKAGE}\`, copied unchanged by
  \`npx tsx scripts/models/fetch-silero-vad.ts\`; sha256 \`${digest}\` is pinned in that script.
- **Input**: 16 kHz mono float PCM, one call per 512-sample (32 ms) frame, prefixed by the previous frame's last 64
  samples (576 samples in all), plus the recurrent \`state\` [2, 1, 128] carried from call to call and \`sr\` = 16000.
- **Output**: speech probability for the frame, and the next state.
- **How the app uses it**: a window (2 s by default) is speech when at least 10% of its frames reach probability 0.5
  (about 200 ms of speech); windows without speech get no emotion estimate. See docs/voice-features.md.
- **Not measured here**: the detector's own accuracy; upstream reports its benchmarks. Our tests check that digital
  silence and noise are not speech and that an espeak-ng utterance is.`,
  },
});
console.log(`models/${FILE} ${digest} (${PACKAGE}@${VERSION})`);
