import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configDir, defaultDataDir } from './app-paths.js';

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
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(config, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** The data folder for this launch: AFFECT_DATA_DIR, else the configured one, else the platform default. */
export function resolveDataDir(): string {
  return process.env.AFFECT_DATA_DIR || readConfig().dataDir || defaultDataDir();
}
