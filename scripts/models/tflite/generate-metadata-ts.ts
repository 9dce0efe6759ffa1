/**
 * Generates the TypeScript reader/writer for metadata-schema.fbs with Debian's flatc (flatbuffers-compiler),
 * then makes its relative imports end in `.js` as this project's NodeNext module resolution requires (flatc
 * 2.0 writes them without an extension and has no option for it).
 *
 *   npx tsx scripts/models/tflite/generate-metadata-ts.ts           writes scripts/models/tflite/generated/
 *   npx tsx scripts/models/tflite/generate-metadata-ts.ts --check   exits 1 when generated/ is out of date
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCHEMA = path.join(here, 'metadata-schema.fbs');
export const GENERATED_DIR = path.join(here, 'generated');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

/** flatc's output, imports fixed, as relative path → text. Throws when flatc is missing. */
export function generateMetadataTs(): Map<string, string> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flatc-'));
  try {
    execFileSync('flatc', ['--ts', '--gen-object-api', '-o', tmp, SCHEMA], { stdio: ['ignore', 'ignore', 'inherit'] });
    const out = new Map<string, string>();
    for (const rel of listFiles(tmp).sort()) {
      const text = readFileSync(path.join(tmp, rel), 'utf8')
        // '../tflite/x' from inside tflite/ is './x'; both forms get the .js extension.
        .replace(/from '\.\.\/tflite\/([\w-]+)'/g, "from './$1.js'")
        .replace(/from '\.\/tflite\/([\w-]+)'/g, "from './tflite/$1.js'");
      out.set(rel.split(path.sep).join('/'), text);
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Paths whose committed text differs from what flatc generates now (missing and extra files included). */
export function staleGeneratedFiles(): string[] {
  const want = generateMetadataTs();
  const have = new Set(listFiles(GENERATED_DIR).map((p) => p.split(path.sep).join('/')));
  const stale = [...want].filter(([rel, text]) => !have.has(rel) || readFileSync(path.join(GENERATED_DIR, rel), 'utf8') !== text).map(([rel]) => rel);
  return [...stale, ...[...have].filter((rel) => !want.has(rel))];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleGeneratedFiles();
    if (stale.length) {
      console.error(`out of date: ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('generated/ matches metadata-schema.fbs');
  } else {
    rmSync(GENERATED_DIR, { recursive: true, force: true });
    for (const [rel, text] of generateMetadataTs()) {
      mkdirSync(path.dirname(path.join(GENERATED_DIR, rel)), { recursive: true });
      writeFileSync(path.join(GENERATED_DIR, rel), text);
    }
    console.log(`wrote ${path.relative(process.cwd(), GENERATED_DIR)}`);
  }
}
