// Keeps the layer rules of DESIGN.md, as VS Code keeps its common/node/browser split: src-shared imports
// nothing platform-specific, src-main/core never imports electron, the renderer never imports Node modules,
// main-process code or a Node-only npm package; each layer compiles with only the globals it has.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Where each npm package the app imports can run. A package missing here fails the test until it is
 * classified: a Node-only package in the renderer (better-sqlite3, ws) is as wrong as `fs` there.
 */
const PACKAGES: Readonly<Record<string, 'node' | 'browser' | 'any' | 'electron'>> = {
  zod: 'any',
  'fft.js': 'any',
  svelte: 'browser',
  'chart.js': 'browser',
  'better-sqlite3': 'node',
  ws: 'node',
  'onnxruntime-node': 'node',
  '@ffmpeg-installer/ffmpeg': 'node',
  '@ffprobe-installer/ffprobe': 'node',
  // The lab queue (issue 23).
  bullmq: 'node',
  ioredis: 'node',
  // Message catalogues and plurals, the same in the renderer, the report and the CLI.
  i18next: 'any',
  // The PDF report, written under Node (the CLI and the app's core alike).
  pdfkit: 'node',
  fontkit: 'node',
  // The camera preview's face detector (WASM + WebGL), in a worker of the window.
  '@mediapipe/tasks-vision': 'browser',
  // Loads the inference worker from .ts sources in tests and development.
  tsx: 'node',
  electron: 'electron',
};

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    // Test files run under Node (vitest), never in the renderer bundle.
    if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (/\.(ts|svelte|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|require(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    specs.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return specs;
}

function violations(dir: string, bad: (spec: string, file: string) => boolean): string[] {
  return files(path.join(root, dir)).flatMap((f) =>
    imports(f)
      .filter((s) => bad(s, f))
      .map((s) => `${path.relative(root, f)} imports ${s}`),
  );
}

const inside = (file: string, dir: string) => file.startsWith(path.join(root, dir) + path.sep);
const resolvesInto = (spec: string, file: string, dir: string) => spec.startsWith('.') && inside(path.resolve(path.dirname(file), spec), dir);

/** The npm package a bare specifier names ('@scope/name/sub' → '@scope/name'), or null for a relative or Node one. */
function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || NODE.has(spec) || NODE.has(spec.split('/')[0])) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** A package the layer may not use: unclassified, or of another platform. */
const packageNotFor = (allowed: ReadonlyArray<string>) => (spec: string): boolean => {
  const pkg = packageOf(spec);
  return pkg !== null && !allowed.includes(PACKAGES[pkg] ?? 'unclassified');
};

describe('layer rules', () => {
  it('src-shared imports nothing platform-specific', () => {
    expect(violations('src-shared', (s, f) => NODE.has(s) || packageNotFor(['any'])(s) || resolvesInto(s, f, 'src-main') || resolvesInto(s, f, 'src-renderer'))).toEqual([]);
  });
  it('src-main/core never imports electron or an npm package the browser-only side uses', () => {
    expect(violations('src-main/core', packageNotFor(['any', 'node']))).toEqual([]);
  });
  it('the renderer imports no Node modules, no Node-only npm package and no main-process code', () => {
    expect(violations('src-renderer', (s, f) => NODE.has(s) || packageNotFor(['any', 'browser'])(s) || resolvesInto(s, f, 'src-main') || resolvesInto(s, f, 'src-preload'))).toEqual([]);
  });
  it('nothing in the core outside server/ imports the browser-mode server or the tooling in scripts/', () => {
    const outsideServer = (f: string) => !inside(f, 'src-main/core/server');
    expect(violations('src-main/core', (s, f) => outsideServer(f) && (resolvesInto(s, f, 'src-main/core/server') || resolvesInto(s, f, 'scripts')))).toEqual([]);
  });
  it('audit entries are written in one layer: the request handlers', () => {
    expect(violations('src-main', (s, f) => /\/store\/audit-log\.js$/.test(s) && !inside(f, 'src-main/core/handlers'))).toEqual([]);
  });
  it('SQL is prepared only in the store', () => {
    const found = files(path.join(root, 'src-main'))
      .filter((f) => !inside(f, 'src-main/core/store') && /\.(prepare|pragma)\(/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(found).toEqual([]);
  });
  it('the checker sees imports and classifies packages (guards against rules that cannot fail)', () => {
    expect(imports(path.join(root, 'src-main/main.ts'))).toContain('electron');
    expect(imports(path.join(root, 'src-main/core/inference/inference-service.ts'))).toContain('onnxruntime-node');
    expect(packageNotFor(['any', 'browser'])('better-sqlite3')).toBe(true);
    expect(packageNotFor(['any', 'browser'])('ws')).toBe(true);
    expect(packageNotFor(['any', 'browser'])('svelte/store')).toBe(false);
    expect(packageNotFor(['any', 'node'])('@mediapipe/tasks-vision')).toBe(true); // unclassified
  });
});

describe('per-layer TypeScript configs', () => {
  const options = (config: string): ts.CompilerOptions => {
    const file = path.join(root, config);
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, (f) => ts.sys.readFile(f)).config, ts.sys, root);
    return { ...parsed.options, noEmit: true };
  };
  /** Diagnostics of one probe file compiled with a layer's options. */
  const errorsOf = (config: string, code: string): string[] => {
    const probe = path.join(root, 'src-shared', '__layer_probe__.ts');
    const host = ts.createCompilerHost(options(config));
    const read = host.readFile.bind(host);
    host.readFile = (f) => (f === probe ? code : read(f));
    host.fileExists = ((exists) => (f: string) => f === probe || exists(f))(host.fileExists.bind(host));
    const program = ts.createProgram([probe], options(config), host);
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  };
  const NODE_GLOBAL = 'export const home: string | undefined = process.env.HOME;';
  const DOM_GLOBAL = 'export const title: string = document.title;';

  it('the core (tsconfig.node.json) has Node but no DOM', () => {
    expect(errorsOf('tsconfig.node.json', NODE_GLOBAL)).toEqual([]);
    expect(errorsOf('tsconfig.node.json', DOM_GLOBAL).join()).toMatch(/Cannot find name 'document'/);
  }, 60_000);
  it('the renderer (tsconfig.web.json) has the DOM but no Node', () => {
    expect(errorsOf('tsconfig.web.json', DOM_GLOBAL)).toEqual([]);
    expect(errorsOf('tsconfig.web.json', NODE_GLOBAL).join()).toMatch(/Cannot find name 'process'/);
  }, 60_000);
  it('src-shared (tsconfig.shared.json) has neither', () => {
    expect(errorsOf('tsconfig.shared.json', DOM_GLOBAL).join()).toMatch(/Cannot find name 'document'/);
    expect(errorsOf('tsconfig.shared.json', NODE_GLOBAL).join()).toMatch(/Cannot find name 'process'/);
  }, 60_000);
  it('every layer folder is checked by its own config', () => {
    const include = (config: string) => (ts.readConfigFile(path.join(root, config), (f) => ts.sys.readFile(f)).config as { include: string[] }).include;
    expect(include('tsconfig.shared.json')).toEqual(['src-shared']);
    expect(include('tsconfig.web.json')).toEqual(['src-renderer']);
    expect(include('tsconfig.node.json')).toEqual(expect.arrayContaining(['src-main', 'src-preload', 'scripts']));
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.typecheck).toMatch(
      /tsc -p tsconfig\.shared\.json.*tsc -p tsconfig\.node\.json.*tsc -p tsconfig\.web\.json.*tsc -p tsconfig\.test\.json.*svelte-check --tsconfig \.\/tsconfig\.web\.json/,
    );
  });
});
