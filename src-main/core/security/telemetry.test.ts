/**
 * ONNX Runtime 1.30 writes a device id and an event queue under ~/.cache/Microsoft/DeveloperTools/.onnxruntime
 * and uploads events unless switched off. Each check runs a real model in a fresh process with a fresh HOME
 * and none of the CI variables that make ORT quiet on its own (CI runs with CI=true), inside a network
 * namespace with no network where one can be made, so even a regression sends nothing anywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const STORE = ['.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime'];
// ORT's own list of CI variables (telemetry_environment.h, 1.30) and its switches.
const QUIETING = ['CI', 'TF_BUILD', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'CODEBUILD_BUILD_ID', 'BUILDKITE', 'TEAMCITY_VERSION', 'APPVEYOR', 'BITBUCKET_BUILD_NUMBER', 'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI', 'ORT_RUNNING_UNIT_TESTS', 'ORT_DISABLE_TELEMETRY'];

const offline = process.platform === 'linux' && spawnSync('unshare', ['--net', 'true']).status === 0;

/** Runs node with args under a fresh HOME; returns that HOME. */
function runFresh(args: string[]): { home: string; status: number | null; output: string } {
  const home = tempDir('affect-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  for (const k of [...QUIETING, 'XDG_CACHE_HOME']) delete env[k];
  const cmd = offline ? 'unshare' : process.execPath;
  const argv = offline ? ['--net', process.execPath, ...args] : args;
  const r = spawnSync(cmd, argv, { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
  return { home, status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

const store = (home: string) => path.join(home, ...STORE);

describe.skipIf(process.platform === 'win32')('ONNX Runtime telemetry', () => {
  let clip: string;
  beforeAll(async () => {
    clip = await makeWebm(path.join(tempDir(), 'clip.webm'), 1);
  }, 60_000);

  it.skipIf(!offline)('control: a plain ORT session in this environment does create the store (so the checks below can fail)', () => {
    const script = path.join(tempDir(), 'plain-ort.mjs');
    writeFileSync(script, `import ort from ${JSON.stringify(path.join(REPO, 'node_modules', 'onnxruntime-node', 'dist', 'index.js'))};\nawait ort.InferenceSession.create(${JSON.stringify(path.join(REPO, 'models', 'silero_vad_v5.onnx'))});\n`);
    const r = runFresh([script]);
    expect(r.status, r.output).toBe(0);
    expect(existsSync(store(r.home))).toBe(true);
  });

  it('the CLI (its entry and the inference worker) analyses a clip and leaves no telemetry store', async () => {
    const out = tempDir();
    const data = ['--data-dir', path.join(out, 'data')];
    // Analysis needs an operator profile and a participant who consented to it (issue 17): set up in-process,
    // which loads no model.
    const quiet = { out: () => undefined, err: () => undefined };
    expect(await runCli(['operators', 'add', 'RA', '--role', 'researcher', ...data, '--no-encryption'], quiet)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-1', '--consent', 'video,audio,analysis,research', '--operator', 'RA', ...data], quiet)).toBe(0);
    const r = runFresh(['--import', 'tsx', 'src-main/core/cli.ts', 'analyze', clip, '--participant', 'P-1', '--operator', 'RA', '--out', out, ...data, '--provider', 'cpu']);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/^ok\t/m);
    expect(existsSync(store(r.home)), r.output).toBe(false);
  }, 150_000);

  it('the core as the app and browser mode embed it (InferenceService) runs a model and leaves no telemetry store', () => {
    const script = path.join(tempDir(), 'service.mts');
    writeFileSync(
      script,
      `import { InferenceService } from ${JSON.stringify(path.join(REPO, 'src-main/core/inference/inference-service.ts'))};\n` +
        `const svc = await InferenceService.start({ provider: 'cpu' });\nconst m = svc.manifest.models.find((x) => x.task === 'vad') ?? svc.manifest.models[0];\n` +
        `await svc.load(m.id);\nawait svc.close();\nconsole.log('loaded', m.id);\n`,
    );
    const r = runFresh(['--import', 'tsx', script]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('loaded');
    expect(existsSync(store(r.home)), r.output).toBe(false);
  }, 120_000);

});
