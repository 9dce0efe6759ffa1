/**
 * Runs the renderer's preview detector (src-renderer/lib/vision/preview-detector.ts, bundled with esbuild as
 * the app's build would) in the system's Chromium on raw frames, for tests and measurements outside the app.
 * A loopback server serves only the page, tasks-vision's WASM files, the model and the frames, under the
 * browser-mode server's Content-Security-Policy; every request the page makes is recorded so a test can
 * check that nothing left this origin.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy } from '../../../src-main/core/server/security.js';
import { contentType } from '../../../src-main/core/server/static-files.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TASKS_VISION_WASM = path.join(repo, 'node_modules', '@mediapipe', 'tasks-vision', 'wasm');

export interface RgbaFrame {
  width: number;
  height: number;
  rgba: Uint8Array;
  tMs: number;
}

export interface PageFace {
  score: number;
  box: { x: number; y: number; w: number; h: number };
  keypoints: Array<[number, number]>;
}

const ENTRY = `
import { PreviewDetector } from './src-renderer/lib/vision/preview-detector.ts';
let det = null;
window.openDetector = async (modelSha256, prefer) => {
  det = await PreviewDetector.create({ wasmLoaderUrl: new URL('vision/vision_wasm_internal.js', location.href).href,
    wasmBinaryUrl: new URL('vision/vision_wasm_internal.wasm', location.href).href, modelUrl: 'vision/model.tflite', modelSha256 }, prefer);
  return { delegate: det.delegate, reason: JSON.stringify(det.delegateReason) };
};
// atDetectionSize: as the app's worker does (preview-worker.ts), through detectPixels(): the frame brought down
// to detection size first and the boxes scaled back to the frame's pixels; the time then covers both.
window.detectFrames = async (from, to, atDetectionSize) => {
  const out = [];
  for (let i = from; i < to; i++) {
    const res = await fetch('frame/' + i);
    const w = Number(res.headers.get('x-width')), h = Number(res.headers.get('x-height')), t = Number(res.headers.get('x-t-ms'));
    const data = await res.arrayBuffer();
    const t0 = performance.now();
    const faces = atDetectionSize
      ? det.detectPixels({ data, format: 'RGBA', width: w, height: h, layout: [{ offset: 0, stride: w * 4 }] }, t)
      : det.detect(new ImageData(new Uint8ClampedArray(data), w, h), t);
    out.push({ faces, ms: performance.now() - t0 });
  }
  return out;
};
`;

export class ChromiumPreviewDetector {
  /** Every URL the page requested. */
  readonly requests: string[] = [];
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly server: http.Server,
    readonly origin: string,
    private readonly frames: RgbaFrame[],
  ) {}

  static async open(opts: { chromiumPath: string; modelFile: string; modelSha256: string; frames: RgbaFrame[]; prefer?: 'auto' | 'CPU' | 'GPU' }): Promise<ChromiumPreviewDetector & { delegate: string; reason: string }> {
    const bundle = await build({ stdin: { contents: ENTRY, resolveDir: repo, loader: 'js' }, bundle: true, format: 'esm', write: false, target: 'chrome120', logLevel: 'error' });
    const script = bundle.outputFiles[0].contents;
    const html = '<!doctype html><meta charset="utf-8"><title>preview detector</title><script type="module" src="main.js"></script>';
    const files: Record<string, string> = {
      '/vision/vision_wasm_internal.js': path.join(TASKS_VISION_WASM, 'vision_wasm_internal.js'),
      '/vision/vision_wasm_internal.wasm': path.join(TASKS_VISION_WASM, 'vision_wasm_internal.wasm'),
      '/vision/model.tflite': opts.modelFile,
    };
    let port = 0;
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const headers = { 'content-security-policy': contentSecurityPolicy(port), 'cache-control': 'no-store' };
      const frame = /^\/frame\/(\d+)$/.exec(url.pathname);
      if (frame) {
        const f = opts.frames[Number(frame[1])];
        if (!f) return void res.writeHead(404).end();
        res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'x-width': f.width, 'x-height': f.height, 'x-t-ms': f.tMs });
        return void res.end(Buffer.from(f.rgba.buffer, f.rgba.byteOffset, f.rgba.byteLength));
      }
      if (url.pathname === '/') return void res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
      if (url.pathname === '/main.js') return void res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(script);
      const file = files[url.pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { ...headers, 'content-type': contentType(file) }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    const origin = `http://127.0.0.1:${port}`;
    const browser = await chromium.launch({
      executablePath: opts.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const page = await browser.newPage();
      const self = new ChromiumPreviewDetector(browser, page, server, origin, opts.frames);
      page.on('request', (r) => self.requests.push(r.url()));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => 'openDetector' in globalThis);
      const info = await page.evaluate(
        ([sha, prefer]) => (globalThis as unknown as { openDetector: (s: string, p: string) => Promise<{ delegate: string; reason: string }> }).openDetector(sha, prefer),
        [opts.modelSha256, opts.prefer ?? 'auto'] as const,
      );
      return Object.assign(self, info);
    } catch (e) {
      await browser.close();
      server.close();
      throw e;
    }
  }

  /**
   * Detections for frames [from, to), in the frames' pixels, with the time each took in the page. `atDetectionSize`:
   * as the app does, on the frame brought down to detection size (the time then includes that conversion).
   */
  async detect(from = 0, to = this.frames.length, atDetectionSize = false): Promise<Array<{ faces: PageFace[]; ms: number }>> {
    return this.page.evaluate(
      ([a, b, small]) =>
        (globalThis as unknown as { detectFrames: (a: number, b: number, small: boolean) => Promise<Array<{ faces: PageFace[]; ms: number }>> }).detectFrames(a, b, small),
      [from, to, atDetectionSize] as const,
    );
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
