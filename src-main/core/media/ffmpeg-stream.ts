/**
 * ffmpeg as a stream filter: bytes in on stdin (from an async source, with backpressure), bytes out on stdout
 * as an async iterable. Used where the input or the output must not touch the disk in clear (encrypted data
 * folders): the caller decrypts into stdin and encrypts what comes out.
 */
import { spawn } from 'node:child_process';
import { ffmpegPath } from './ffmpeg.js';

export interface FfmpegStream {
  stdout: AsyncIterable<Buffer>;
  /** Resolves when ffmpeg exits 0; rejects with its last stderr line otherwise. */
  done: Promise<void>;
  kill(): void;
}

export function ffmpegStream(args: string[], input: AsyncIterable<Uint8Array> | null, env?: NodeJS.ProcessEnv): FfmpegStream {
  const proc = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', ...(input ? [] : ['-nostdin']), ...args], {
    stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code));
  });
  let feedError: Error | null = null;
  if (input) {
    const stdin = proc.stdin!;
    // ffmpeg may stop reading early (an error, or it has what it needs): that is not a feeding error.
    stdin.on('error', () => undefined);
    void (async () => {
      try {
        for await (const chunk of input) {
          if (stdin.destroyed) break;
          if (!stdin.write(chunk)) {
            await new Promise<void>((r) => {
              stdin.once('drain', r);
              stdin.once('close', r);
            });
          }
        }
      } catch (e) {
        feedError = e instanceof Error ? e : new Error(String(e));
        proc.kill('SIGKILL');
      } finally {
        stdin.end();
      }
    })();
  }
  const done = exited.then((code) => {
    if (feedError) throw feedError;
    if (code !== 0) throw new Error(`ffmpeg failed: ${stderr.trim().split('\n').pop() || `exit ${code}`}`);
  });
  // Keep an early rejection from being unhandled while the caller is still reading stdout.
  done.catch(() => undefined);
  return { stdout: proc.stdout as AsyncIterable<Buffer>, done, kill: () => proc.kill('SIGKILL') };
}
