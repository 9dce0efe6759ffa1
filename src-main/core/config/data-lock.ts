import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataFolderBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One running Affect Studio per data folder (Electron or browser mode), so two recorders can never write
 * into the same session. A lock left by a crashed process is taken over.
 */
export function acquireDataLock(dataDir: string): () => void {
  const file = path.join(dataDir, '.affect-studio.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new DataFolderBusyError(`Another Affect Studio (process ${pid}) is already using the data folder ${dataDir}`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataFolderBusyError(`Could not lock the data folder ${dataDir}`);
}
