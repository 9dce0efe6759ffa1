/**
 * The Capture preview in the renderer: tasks-vision face detection rate and time per camera frame, and the
 * main process's CPU share with the renderer-side preview on and off, alternating in one run (on, off, on, off;
 * 12 s each) on the same live session, so machine load affects both alike; then a recording with the preview
 * on and one with it off (on, off, on, off): the preview's rate while recording (it gives way to the
 * recording), and each file's frame rate and longest gap against what the camera delivered meanwhile.
 *
 * Camera: the face-speech test clip (640×480, 30 fps) through Chromium's fake capture; browser mode, the system's
 * Chromium (--disable-gpu: WebGL is software, so the preview runs on the CPU delegate). CPU shares come from
 * /proc (Linux): the server process (the "main process": core, live analysis, ONNX Runtime) and all Chromium
 * processes together, each as a share of one core.
 *
 *   npx tsx scripts/bench/preview.ts [--phase-seconds 12]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Page } from 'playwright-core';
import { chromiumPath, FFMPEG, RENDERER_DIR, REPO_ROOT } from '../../e2e/fixtures/paths.js';
import { frameContinuity, videoFrameTimes } from '../../e2e/fixtures/probe.js';
import { createCore } from '../../src-main/core/app-core.js';
import { faceSpeechClip } from '../../src-main/core/test-support/face-speech-clip.js';
import { consentedParticipant, operatorCtx } from '../../src-main/core/test-support/governance.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';

const argv = process.argv.slice(2);
const phaseSeconds = argv.includes('--phase-seconds') ? Number(argv[argv.indexOf('--phase-seconds') + 1]) : 12;
const BENCH_OPERATOR = 'Bench Operator';
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK = 100;

/** utime + stime of a process in seconds, or null. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return null;
  }
}

/** The Chromium started with this profile and every process under it (renderers, GPU, utilities, zygotes). */
function chromiumCpuSeconds(profileDir: string): number {
  const parent = new Map<number, number>();
  const roots: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes(profileDir) && !cmd.includes('--type=')) roots.push(Number(p));
    } catch {
      /* gone meanwhile */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 20; p = parent.get(p), hops++) if (roots.includes(p)) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) if (inTree(pid)) total += cpuSeconds(pid) ?? 0;
  return total;
}

interface Sample {
  t: number;
  mainCpu: number;
  browserCpu: number;
  /** Camera frames the preview showed while its detector ran. */
  delivered: number;
  frames: number;
  withFace: number;
  analysed: number;
  detectMedian: number | null;
  detectP95: number | null;
}

async function sample(page: Page, serverPid: number, profile: string): Promise<Sample> {
  // A string, not a function: tsx's helpers would not exist in the page.
  const read = (await page.evaluate(`(() => {
    const p = document.querySelector('[data-testid="preview-stats"]');
    const f = document.querySelector('[data-testid="face-stats"]');
    const n = (el, a) => (el && el.getAttribute(a) ? Number(el.getAttribute(a)) : null);
    return { delivered: n(p, 'data-delivered') ?? 0, frames: n(p, 'data-frames') ?? 0, withFace: n(p, 'data-with-face') ?? 0, detectMedian: n(p, 'data-detect-median'),
      detectP95: n(p, 'data-detect-p95'), analysed: n(f, 'data-analysed') ?? 0 };
  })()`)) as Omit<Sample, 't' | 'mainCpu' | 'browserCpu'>;
  return { t: performance.now(), mainCpu: cpuSeconds(serverPid) ?? NaN, browserCpu: chromiumCpuSeconds(profile), ...read };
}

/** Passes the start screen ("Who is using Affect Studio?") as the bench's operator profile, made in setup. */
async function chooseOperator(page: Page): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const gate = page.getByRole('radio', { name: new RegExp(`^${BENCH_OPERATOR}`) });
  await gate.or(nav).first().waitFor({ timeout: 30_000 });
  if (await nav.isVisible()) return;
  await gate.check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await nav.waitFor();
}

async function main(): Promise<void> {
  if (!existsSync('/proc/self/stat')) {
    console.log('skipped: CPU shares are read from /proc (Linux only)');
    return;
  }
  const clip = await faceSpeechClip(6);
  if ('skip' in clip) {
    console.log(`skipped: ${clip.skip}`);
    return;
  }
  if (!existsSync(path.join(RENDERER_DIR, 'vision'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const work = tempDir('affect-bench-preview-');
  const y4m = path.join(work, 'face.y4m');
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-i', clip.file, '-an', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', y4m]);
  const wav = path.join(work, 'mic.wav');
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-i', clip.file, '-vn', '-ac', '1', '-ar', '48000', wav]);

  // A consented participant and unrecorded sessions, made before the server starts on the same folder.
  const dataDir = path.join(work, 'data');
  const setup = await createCore({ dataDir });
  const ctx = operatorCtx(setup, BENCH_OPERATOR);
  const pid = consentedParticipant(setup, 'BENCH');
  const newSession = async () => {
    const sess = await setup.handle('sessions.create', { participantId: pid, protocol: 'bench' }, ctx);
    if (!sess.ok) throw new Error(sess.error.message);
    return (sess.value as { id: number }).id;
  };
  const sessionId = await newSession();
  /** Unrecorded sessions for the recordings at the end. */
  const toRecord = [await newSession(), await newSession(), await newSession(), await newSession()];
  await setup.close();

  const server = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/bench/lib/app-server.ts'), dataDir, RENDERER_DIR], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    createInterface({ input: server.stdout! }).on('line', (l) => {
      try {
        resolve(JSON.parse(l) as { url: string; pid: number });
      } catch {
        /* log line */
      }
    });
    server.once('exit', (c) => reject(new Error(`server exited (${c})`)));
  });

  const profile = path.join(work, 'chromium-profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, `--use-file-for-fake-audio-capture=${wav}`],
  });
  try {
    const page = await context.newPage();
    const open = async (preview: boolean, session = sessionId) => {
      await page.goto(ready.url);
      await page.evaluate(`localStorage.setItem('affect.previewDetection', '${preview ? 'on' : 'off'}')`);
      await page.goto(`${ready.url.split('#')[0]}#/capture/${session}`);
      await chooseOperator(page);
      // Polled from here: the app's CSP forbids the string evaluation waitForFunction would use.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const r = await sample(page, ready.pid, profile);
        if (r.analysed > 0 && (!preview || r.frames > 0)) break;
        if (Date.now() > deadline) throw new Error('the live analysis (or the preview) did not start within 90 s');
        await page.waitForTimeout(500);
      }
      await page.waitForTimeout(2000);
    };
    console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores; ${phaseSeconds} s per phase`);
    console.log('phase\tpreview_hz\tof_shown\tboxes_on\tdetect_median_ms\tdetect_p95_ms\tmain_cpu\tchromium_cpu\tmain_analysis_hz');
    const rows: Record<'on' | 'off', Array<{ main: number; browser: number; hz: number; analysisHz: number; det: number | null }>> = { on: [], off: [] };
    for (const preview of [true, false, true, false]) {
      await open(preview);
      const a = await sample(page, ready.pid, profile);
      await page.waitForTimeout(phaseSeconds * 1000);
      const b = await sample(page, ready.pid, profile);
      const dt = (b.t - a.t) / 1000;
      const hz = (b.frames - a.frames) / dt;
      const row = { main: (b.mainCpu - a.mainCpu) / dt, browser: (b.browserCpu - a.browserCpu) / dt, hz, analysisHz: (b.analysed - a.analysed) / dt, det: b.detectMedian };
      rows[preview ? 'on' : 'off'].push(row);
      console.log(
        [preview ? 'preview on' : 'preview off', preview ? hz.toFixed(1) : '–', preview ? `${((100 * (b.frames - a.frames)) / Math.max(1, b.delivered - a.delivered)).toFixed(0)}%` : '–', preview ? `${((100 * (b.withFace - a.withFace)) / Math.max(1, b.frames - a.frames)).toFixed(1)}%` : '–',
          preview ? (b.detectMedian?.toFixed(1) ?? '–') : '–', preview ? (b.detectP95?.toFixed(1) ?? '–') : '–',
          `${(100 * row.main).toFixed(0)}%`, `${(100 * row.browser).toFixed(0)}%`, row.analysisHz.toFixed(1)].join('\t'),
      );
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const on = rows.on;
    const off = rows.off;
    console.log(
      `preview: ${mean(on.map((r) => r.hz)).toFixed(1)} Hz, detect median ${mean(on.map((r) => r.det ?? NaN)).toFixed(1)} ms; ` +
        `main process CPU ${(100 * mean(on.map((r) => r.main))).toFixed(0)}% with the preview vs ${(100 * mean(off.map((r) => r.main))).toFixed(0)}% without (of one core); ` +
        `Chromium ${(100 * mean(on.map((r) => r.browser))).toFixed(0)}% vs ${(100 * mean(off.map((r) => r.browser))).toFixed(0)}%; ` +
        `main analysis ${mean(on.map((r) => r.analysisHz)).toFixed(1)} Hz vs ${mean(off.map((r) => r.analysisHz)).toFixed(1)} Hz`,
    );

    // Recordings with the preview on and off, alternating.
    const cameraDelivered = async () => Number(await page.evaluate(`(() => { const v = document.querySelector('video[aria-label="Camera preview"]');
      const t = v && v.srcObject ? v.srcObject.getVideoTracks()[0] : null; return t && t.stats ? t.stats.deliveredFrames : NaN; })()`));
    for (const [i, preview] of [true, false, true, false].entries()) {
      await open(preview, toRecord[i]);
      await page.getByRole('button', { name: 'Start recording' }).click();
      await page.getByRole('button', { name: 'Stop recording' }).waitFor();
      const a = await sample(page, ready.pid, profile);
      const camA = await cameraDelivered();
      await page.waitForTimeout(phaseSeconds * 1000);
      const b = await sample(page, ready.pid, profile);
      const camB = await cameraDelivered();
      await page.getByRole('button', { name: 'Stop recording' }).click();
      await page.getByText(/Recording saved: /).waitFor({ timeout: 60_000 });
      const dt = (b.t - a.t) / 1000;
      const rec = frameContinuity(await videoFrameTimes(path.join(dataDir, 'sessions', String(toRecord[i]), 'recording.webm')));
      console.log(
        `recording, preview ${preview ? 'on' : 'off'}: ` +
          (preview ? `preview ${((b.frames - a.frames) / dt).toFixed(1)} Hz (${((100 * (b.frames - a.frames)) / Math.max(1, b.delivered - a.delivered)).toFixed(0)}% of shown frames), detect median ${b.detectMedian?.toFixed(1) ?? '–'} ms; ` : '') +
          `camera delivered ${((camB - camA) / dt).toFixed(2)} fps, recorded ${rec.frames} frames at ${rec.fps.toFixed(2)} fps, longest gap ${rec.maxGapS.toFixed(3)} s (in the first 0.5 s ${rec.startGapS.toFixed(3)} s, later ${rec.laterGapS.toFixed(3)} s); ` +
          `main process CPU ${((100 * (b.mainCpu - a.mainCpu)) / dt).toFixed(0)}%, Chromium ${((100 * (b.browserCpu - a.browserCpu)) / dt).toFixed(0)}%`,
      );
    }
  } finally {
    await context.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
