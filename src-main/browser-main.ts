/**
 * Browser mode: the full application (same core, same renderer) served on 127.0.0.1 and opened in the
 * system's Chromium. Used where Electron's binary is missing and on headless lab machines.
 *
 * stdout, one line each: "Affect Studio is running at ORIGIN", "Data folder: DIR", then either
 * "Opened in BROWSER…" or "Launch address (one-time): URL" (with --no-open or without a browser).
 *
 * The data folder opens locked (encrypted) or asks to be set up (new): the page asks for the passphrase.
 * --passphrase-file FILE or AFFECT_PASSPHRASE_FILE unlocks it (or sets a new one up) at start instead.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardenProcess } from './core/security/process-hardening.js';
import { AppHost } from './core/vault/app-host.js';
import { formatRecoveryKey } from './core/cli/open-folder.js';
import { readPassphraseFile } from './core/vault/passphrase-input.js';
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
  if (process.argv.some((a) => a === '--passphrase' || a.startsWith('--passphrase='))) {
    throw new Error('a passphrase is never given as an argument (other users can read command lines); use --passphrase-file FILE or AFFECT_PASSPHRASE_FILE');
  }
  const core = await AppHost.open({ dataDir, log: (m) => console.error(m) });
  const passFile = arg('passphrase-file') ?? process.env.AFFECT_PASSPHRASE_FILE;
  if (passFile) await unlockAtStart(core, readPassphraseFile(passFile));
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
  console.log(`Data folder: ${core.dataDir}`);
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

/** Sets a new folder up, or unlocks an encrypted one, with the passphrase from the file. */
async function unlockAtStart(host: AppHost, passphrase: string): Promise<void> {
  const ctx = { clientId: 'browser-main' };
  const state = host.status().state;
  if (state === 'setup') {
    const r = await host.handle('vault.setup', { passphrase }, ctx);
    if (!r.ok) throw new Error(r.error.message);
    console.error(formatRecoveryKey(host.dataDir, (r.value as { recoveryKey: string }).recoveryKey));
  } else if (state === 'locked' || state === 'migrating') {
    const r = await host.handle('vault.unlock', { passphrase }, ctx);
    if (!r.ok) throw new Error(r.error.message);
  }
}

main().catch((e: unknown) => {
  console.error(`Affect Studio could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
