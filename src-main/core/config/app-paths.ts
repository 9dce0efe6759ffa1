import os from 'node:os';
import path from 'node:path';

const APP_DIR = 'Affect Studio';

/** Per-user folder for the app's own configuration (never the data). AFFECT_CONFIG_DIR overrides. */
export function configDir(): string {
  if (process.env.AFFECT_CONFIG_DIR) return process.env.AFFECT_CONFIG_DIR;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_DIR);
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR);
  return path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'affect-studio');
}

/** Default data folder: recordings, the SQLite file and exports live here. */
export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_DIR, 'data');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR, 'data');
  return path.join(process.env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'affect-studio');
}
