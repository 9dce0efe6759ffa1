/**
 * Browser mode: the full application (same core, same renderer) served on 127.0.0.1 and opened in the
 * system's Chromium. Used where Electron's binary is missing and on headless lab machines.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from './core/app-core.js';
import { resolveDataDir } from './core/config/app-config.js';
import { configDir } from './core/config/app-paths.js';
import { startBrowserServer } from './core/server/browser-server.js';
import { findChromium, openInChromium } from './core/server/open-browser.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = path.resolve(here, '..', 'renderer');
  const dataDir = arg('data-dir') ?? resolveDataDir();
  const core = await createCore({ dataDir });
  const server = await startBrowserServer({ core, rendererDir, port: arg('port') ? Number(arg('port')) : 0, log: (m) => console.error(m) });
  console.log(`Affect Studio is running at ${server.url}`);
  console.log(`Data folder: ${core.services.dataDir}`);
  const browser = process.argv.includes('--no-open') ? null : findChromium();
  if (browser) {
    openInChromium(browser, server.url, path.join(configDir(), 'browser-profile'));
    console.log(`Opened in ${browser}. Press Ctrl+C here to quit.`);
  } else {
    console.log('Open the address above in Chromium or Chrome. Press Ctrl+C here to quit.');
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
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
