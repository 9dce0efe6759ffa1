/**
 * Process-wide settings every entry point (Electron main, browser mode, CLI) applies before it opens a data
 * folder or loads a model:
 *
 * - ONNX Runtime 1.30's own telemetry switch. Its POSIX build carries Microsoft's 1DS client, which at the
 *   first InferenceSession writes a device id and an event queue under ~/.cache/Microsoft/DeveloperTools/
 *   .onnxruntime and uploads events. ORT_DISABLE_TELEMETRY (1/true/yes/on/y) is read from the process
 *   environment when ORT's environment is created and latches the client off for the life of the process;
 *   onnxruntime-node exposes no API for it. It must be in the real environment (set from the main thread:
 *   a worker's process.env is a private copy that native code never sees) before the inference worker starts.
 *   On Windows ORT emits ETW events instead, which stay on the machine unless a trace session collects them.
 * - umask 077, so whatever this process or its children (ffmpeg, SQLite's -wal/-shm) create is private to
 *   this user even where a file is not created with an explicit mode.
 */
import { isMainThread } from 'node:worker_threads';

export const ORT_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

/** Turns ONNX Runtime's telemetry off for this process and every worker or child it starts from now on. */
export function switchOffOrtTelemetry(): void {
  process.env[ORT_TELEMETRY_SWITCH] = '1';
}

export function hardenProcess(): void {
  switchOffOrtTelemetry();
  // Worker threads cannot change the umask; the main thread's applies to the whole process.
  if (isMainThread && process.platform !== 'win32') process.umask(0o077);
}
