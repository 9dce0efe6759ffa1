/**
 * The Electron main entry (`package.json` main → out/main/main.js). It checks that native modules load in
 * this Electron before anything imports them, then loads the shell (src-main/main.ts → out/main/shell.js).
 * The shell is a separate bundle loaded with a dynamic import because ES module imports are resolved before
 * any code runs: a static import of a module that imports better-sqlite3 would crash before the check.
 * Electron emits `ready` only after this module (with its top-level await) has finished, so the shell still
 * registers its privileged schemes in time.
 */
import { app, dialog } from 'electron';
import { checkNativeModules, nativeProblemMessage } from './native-check.js';

const problems = checkNativeModules();
if (problems.length > 0) {
  const { title, message } = nativeProblemMessage(problems, { electron: process.versions.electron, modules: process.versions.modules });
  console.error(`${title}: ${problems.map((p) => `${p.module.name}: ${p.detail}`).join('; ')}`);
  void app.whenReady().then(() => {
    dialog.showErrorBox(title, message);
    app.exit(1);
  });
} else {
  await import(new URL('./shell.js', import.meta.url).href);
}
