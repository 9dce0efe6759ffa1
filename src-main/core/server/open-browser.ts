import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: [
    path.join(process.env['PROGRAMFILES'] ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
    path.join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google\\Chrome\\Application\\chrome.exe'),
    path.join(process.env['LOCALAPPDATA'] ?? '', 'Google\\Chrome\\Application\\chrome.exe'),
  ],
};

/** The system's Chromium or Chrome, if one is installed (AFFECT_BROWSER overrides). */
export function findChromium(): string | null {
  if (process.env.AFFECT_BROWSER) return existsSync(process.env.AFFECT_BROWSER) ? process.env.AFFECT_BROWSER : null;
  return (CANDIDATES[process.platform] ?? []).find((p) => existsSync(p)) ?? null;
}

function htmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * A page, readable by this user only, that forwards the browser to a one-time launch address. The browser is
 * started with this file's path: every local user can read a process's command line (/proc/PID/cmdline),
 * so the code itself never appears there. Returns the file; remove it once the code is used.
 */
export function writeLaunchFile(dir: string, launchUrl: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = path.join(dir, `launch-${randomBytes(8).toString('hex')}.html`);
  const u = htmlAttr(launchUrl);
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${u}"><title>Affect Studio</title><p><a href="${u}">Open Affect Studio</a></p>\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  return file;
}

export function removeLaunchFile(file: string | null): void {
  if (file) rmSync(file, { force: true });
}

/** Chromium's arguments: its own app window and profile, opening the launch file (never a credential). */
export function chromiumArgs(launchFile: string, profileDir: string): string[] {
  const args = [`--app=${pathToFileURL(launchFile).href}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--disable-sync', '--disable-background-networking', '--disable-component-update'];
  // Chromium refuses to start as root without this; only then is it added.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

/**
 * Opens the app in its own Chromium window with a profile of its own, so camera/microphone permission
 * is remembered for this origin only and nothing mixes with the user's browsing profile.
 */
export function openInChromium(browser: string, launchFile: string, profileDir: string): void {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const child = spawn(browser, chromiumArgs(launchFile, profileDir), { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // a browser that cannot start is reported by the printed address instead
  child.unref();
}
