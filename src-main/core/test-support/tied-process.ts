/**
 * Processes a test starts (redis-server, `affect worker`) must not outlive it, even when the test runner is killed
 * outright: on Linux they are started through util-linux's `setpriv --pdeathsig KILL`, which execs the command
 * (same pid) with the kernel set to kill it when the process that started it dies.
 */
import { type ChildProcess, spawn, type SpawnOptions, spawnSync } from 'node:child_process';

let setpriv: boolean | null = null;
function hasSetpriv(): boolean {
  if (setpriv === null) setpriv = process.platform === 'linux' && spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  return setpriv;
}

/** spawn(), with the child killed by the kernel if this process dies first (where setpriv is available). */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return hasSetpriv() ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
