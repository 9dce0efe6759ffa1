import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

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

/**
 * Opens the app in its own Chromium window with a profile of its own, so camera/microphone permission
 * is remembered for this origin only and nothing mixes with the user's browsing profile.
 */
export function openInChromium(browser: string, url: string, profileDir: string): void {
  mkdirSync(profileDir, { recursive: true });
  const args = [`--app=${url}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--disable-sync', '--disable-background-networking', '--disable-component-update'];
  // Chromium refuses to start as root without this; only then is it added.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(browser, args, { stdio: 'ignore', detached: true });
  child.unref();
}
