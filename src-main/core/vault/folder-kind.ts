import { existsSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, migrationPending } from './encrypt-folder.js';
import { hasKeyFile } from './key-file.js';

/**
 * What a data folder is: new (nothing stored yet), clear (made before encryption existed), encrypted, or
 * part-way through being encrypted (its key file exists but so does the migration marker).
 */
export type FolderKind = 'new' | 'clear' | 'encrypted' | 'migrating';

export function folderKind(dataDir: string): FolderKind {
  if (hasKeyFile(dataDir)) return migrationPending(dataDir) ? 'migrating' : 'encrypted';
  return existsSync(path.join(dataDir, DATABASE_FILE)) ? 'clear' : 'new';
}
