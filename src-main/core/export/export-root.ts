import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportFolderName } from './session-export.js';

/**
 * Where an export goes when the user names no folder. Exports are written in clear (that is their purpose),
 * so in an encrypted data folder they never land inside it: they go to "Affect Studio exports" in the user's
 * Documents folder (or home). A clear data folder keeps its exports/ as before. AFFECT_EXPORT_DIR overrides.
 */
export function defaultExportFolder(dataDir: string, encrypted: boolean): string {
  const home = os.homedir();
  const documents = path.join(home, 'Documents');
  const base = process.env.AFFECT_EXPORT_DIR || (encrypted ? path.join(existsSync(documents) ? documents : home, 'Affect Studio exports') : path.join(dataDir, 'exports'));
  return path.join(base, exportFolderName());
}
