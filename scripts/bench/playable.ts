/**
 * Making the playable copy of an imported clip (VP9/Opus WebM through the app's pipe and Matroska finisher)
 * for a 640×480 30 fps clip a browser cannot play (MJPEG video + PCM audio in AVI, as older cameras write).
 * Prints, per run and as medians: media seconds converted per wall-clock second (≥ 2× is the goal), and per
 * second of ffmpeg CPU time (children's user+system time, Linux), which a loaded machine does not distort.
 * Asserts nothing.
 *
 *   npx tsx scripts/bench/playable.ts [--seconds S] [--runs N]
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeMedia, runFfmpeg } from '../../src-main/core/media/ffmpeg.js';
import { makePlayableCopy, playablePlan } from '../../src-main/core/media/playable-copy.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';

const argv = process.argv.slice(2);
const seconds = argv.includes('--seconds') ? Number(argv[argv.indexOf('--seconds') + 1]) : 60;
const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 3;

/** CPU seconds used by finished child processes (Linux /proc; null elsewhere). */
function childCpuS(): number | null {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ": state is field 3, cutime and cstime are fields 16 and 17 (clock ticks, 100 Hz).
    return (Number(f[16 - 3]) + Number(f[17 - 3])) / 100;
  } catch {
    return null;
  }
}

const dir = tempDir('affect-bench-playable-');
const clip = path.join(dir, 'clip.avi');
await runFfmpeg([
  '-y',
  '-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=30:duration=${seconds}`,
  '-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=48000:duration=${seconds}`,
  '-c:v', 'mjpeg', '-q:v', '4', '-c:a', 'pcm_s16le', '-shortest', clip,
]);
const plan = playablePlan(await probeMedia(clip));
if (plan.playable) throw new Error('the benchmark clip should need a copy');
console.log(`clip: ${seconds} s, 640×480 30 fps MJPEG + PCM (AVI); copy: ${plan.video} video, ${plan.audio} audio; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const dest = path.join(dir, `copy-${i}.webm`);
  const c0 = childCpuS();
  const t0 = performance.now();
  const made = await makePlayableCopy(clip, dest, plan, { durationMs: seconds * 1000 });
  const s = (performance.now() - t0) / 1000;
  const c1 = childCpuS();
  const cpuS = c0 !== null && c1 !== null ? c1 - c0 : null;
  wall.push(seconds / s);
  if (cpuS !== null && cpuS > 0) cpu.push(seconds / cpuS);
  console.log(
    `run ${i + 1}: ${s.toFixed(1)} s wall → ${(seconds / s).toFixed(2)}× real time` +
      (cpuS !== null ? `; ffmpeg ${cpuS.toFixed(1)} CPU s → ${(seconds / cpuS).toFixed(2)}× per CPU second` : '') +
      `; copy ${(made.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  rmSync(dest, { force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median over ${runs} runs: ${median(wall).toFixed(2)}× real time (wall clock)${cpu.length ? `, ${median(cpu).toFixed(2)}× per ffmpeg CPU second` : ''}`);
rmSync(dir, { recursive: true, force: true });
