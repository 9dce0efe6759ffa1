/**
 * Browser mode: the full application (same core, same renderer) served on 127.0.0.1 and opened in the
 * system's Chromium. Used where Electron's binary is missing and on headless lab machines.
 *
 * stdout, one line each: "Affect Studio is running at ORIGIN", "Data folder: DIR", then either
 * "Opened in BROWSER…" or "Launch address (one-time): URL" (with --no-open or without a browser).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardenProcess } from './core/security/process-hardening.js';
import { createCore } from './core/app-core.js';
import { resolveDataDir } from './core/config/app-config.js';
import { configDir } from './core/config/app-paths.js';
import { startBrowserServer } from './core/server/browser-server.js';
import { findChromium, openInChromium, removeLaunchFile, writeLaunchFile } from './core/server/open-browser.js';
import { LAUNCH_CODE_TTL_MS, PRINTED_CODE_TTL_MS } from './core/server/security.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  hardenProcess();
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = path.resolve(here, '..', 'renderer');
  const dataDir = arg('data-dir') ?? resolveDataDir();
  const core = await createCore({ dataDir });
  const launch: { file: string | null } = { file: null };
  const server = await startBrowserServer({
    core,
    rendererDir,
    port: arg('port') ? Number(arg('port')) : 0,
    log: (m) => console.error(m),
    onLaunchCodeUsed: () => {
      removeLaunchFile(launch.file);
      launch.file = null;
    },
  });
  console.log(`Affect Studio is running at ${server.origin}`);
  console.log(`Data folder: ${core.services.dataDir}`);
  const browser = process.argv.includes('--no-open') ? null : findChromium();
  if (browser) {
    launch.file = writeLaunchFile(path.join(configDir(), 'launch'), server.newLaunchUrl());
    openInChromium(browser, launch.file, path.join(configDir(), 'browser-profile'));
    // An unused launch file is worthless after the code expires; it goes then at the latest.
    setTimeout(() => removeLaunchFile(launch.file), LAUNCH_CODE_TTL_MS).unref();
    console.log(`Opened in ${browser}. Press Ctrl+C here to quit.`);
  } else {
    console.log(`Launch address (one-time): ${server.newLaunchUrl(PRINTED_CODE_TTL_MS)}`);
    console.log('Open it in Chromium or Chrome. Press Ctrl+C here to quit.');
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    removeLaunchFile(launch.file);
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((e: unknown) => {
  console.error(`Affect Studio could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
