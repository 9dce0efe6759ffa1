// Keeps the layer rules of DESIGN.md: src-shared imports nothing platform-specific, src-main/core never
// imports electron, the renderer never imports Node modules or main-process code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    // Test files run under Node (vitest), never in the renderer bundle.
    if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (/\.(ts|svelte|mjs|js)$/.test(name)) out.push(full);
  }
  return out;
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    specs.push(m[1] ?? m[2] ?? m[3]);
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

const resolvesInto = (spec: string, file: string, dir: string) => spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(root, dir) + path.sep);

describe('layer rules', () => {
  it('src-shared imports nothing platform-specific', () => {
    expect(violations('src-shared', (s, f) => NODE.has(s) || s === 'electron' || resolvesInto(s, f, 'src-main') || resolvesInto(s, f, 'src-renderer'))).toEqual([]);
  });
  it('src-main/core never imports electron', () => {
    expect(violations('src-main/core', (s) => s === 'electron' || s.startsWith('electron/'))).toEqual([]);
  });
  it('the renderer imports no Node modules and no main-process code', () => {
    expect(violations('src-renderer', (s, f) => NODE.has(s) || s === 'electron' || resolvesInto(s, f, 'src-main') || resolvesInto(s, f, 'src-preload'))).toEqual([]);
  });
  it('audit entries are written in one layer: the request handlers', () => {
    const outside = (f: string) => !f.startsWith(path.join(root, 'src-main/core/handlers') + path.sep);
    expect(violations('src-main', (s, f) => /\/store\/audit-log\.js$/.test(s) && outside(f))).toEqual([]);
  });
  it('the checker sees imports (guards against a rule that cannot fail)', () => {
    expect(imports(path.join(root, 'src-main/main.ts'))).toContain('electron');
  });
});
