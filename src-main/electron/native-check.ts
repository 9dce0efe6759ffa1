// Checks, before anything else loads, that each ABI-specific native module loads in this runtime. A module
// built for another Node/Electron version would otherwise crash the app at its first import with a stack
// trace; instead the user gets a dialog that names the module and the fix.
import { createRequire } from 'node:module';
import path from 'node:path';
import list from './native-modules.json' with { type: 'json' };

export interface NativeModule {
  name: string;
  /** The compiled addon, relative to the package folder. */
  binary: string;
  /** What it is for, in plain words. */
  role: string;
}

export interface NativeModuleProblem {
  module: NativeModule;
  /** Module version the binary was built for, when the loader said so. */
  builtFor: number | null;
  /** The loader's error on one line, for IT. */
  detail: string;
}

export const NATIVE_MODULES: readonly NativeModule[] = list.modules;

type Loader = { (id: string): unknown; resolve(id: string): string };

export function checkNativeModules(modules: readonly NativeModule[] = NATIVE_MODULES, load: Loader = createRequire(import.meta.url)): NativeModuleProblem[] {
  const problems: NativeModuleProblem[] = [];
  for (const m of modules) {
    try {
      const dir = path.dirname(load.resolve(`${m.name}/package.json`));
      load(path.join(dir, m.binary));
    } catch (e) {
      const detail = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim().slice(0, 400);
      const builtFor = /NODE_MODULE_VERSION (\d+)/.exec(detail);
      problems.push({ module: m, builtFor: builtFor ? Number(builtFor[1]) : null, detail });
    }
  }
  return problems;
}

/** The dialog's text: what is wrong, in plain words, and the fix for a user and for a developer. */
export function nativeProblemMessage(problems: readonly NativeModuleProblem[], runtime: { electron?: string; modules: string }): { title: string; message: string } {
  const where = runtime.electron ? `this Electron (${runtime.electron}) needs module version ${runtime.modules}` : `this runtime needs module version ${runtime.modules}`;
  const lines = problems.map((p) =>
    p.builtFor !== null
      ? `• ${p.module.name} (${p.module.role}) was built for module version ${p.builtFor}; ${where}.`
      : `• ${p.module.name} (${p.module.role}) could not be loaded: ${p.detail}`,
  );
  return {
    title: 'Affect Studio cannot start',
    message: [
      'A part of Affect Studio was built for a different version of its runtime, so it cannot open your data safely.',
      '',
      ...lines,
      '',
      'How to fix it: reinstall Affect Studio from an official installer (ask your IT department).',
      'In a development checkout: run `npm start`, which rebuilds native modules for Electron, or `npx electron-builder install-app-deps`.',
      '',
      'Nothing was read or changed in your data folder.',
    ].join('\n'),
  };
}
