import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configDir, defaultDataDir } from './app-paths.js';
import { dataDirProblem } from './data-dir-check.js';

const configSchema = z.object({ dataDir: z.string().min(1).optional() }).passthrough();
export type AppConfig = z.infer<typeof configSchema>;

const configFile = () => path.join(configDir(), 'config.json');

export function readConfig(): AppConfig {
  const file = configFile();
  if (!existsSync(file)) return {};
  try {
    const parsed = configSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    // A corrupt config must not stop a clinician from starting a session: fall back to defaults.
    return {};
  }
}

export function writeConfig(config: AppConfig): void {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, JSON.stringify(config, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * The data folder for this launch: AFFECT_DATA_DIR, else the configured one, else the platform default. A
 * configured folder that cannot be used (deleted drive, a file, a system path) must not stop the app from
 * starting: the default is used and `warn` says why, until the setting is changed.
 */
export function resolveDataDir(warn: (message: string) => void = (m) => console.error(m)): string {
  if (process.env.AFFECT_DATA_DIR) return process.env.AFFECT_DATA_DIR;
  const configured = readConfig().dataDir;
  if (!configured) return defaultDataDir();
  const problem = dataDirProblem(configured);
  if (!problem) return configured;
  const fallback = defaultDataDir();
  warn(`Affect Studio: the configured data folder ${JSON.stringify(configured)} cannot be used (${problem}); using ${fallback} instead. Choose another in Settings.`);
  return fallback;
}
