/**
 * Read-modify-write of models/manifest.json and models/MODEL_CARD.md that touches only one model entry and
 * one marked card section. Other people's scripts edit the same files at the same time, so every write runs
 * under `flock /tmp/manifest.lock` (the lock is skipped, with a warning, where no flock binary exists).
 *
 *   npx tsx scripts/models/manifest-edit.ts <edit.json>      (normally called through applyManifestEdit)
 *
 * edit.json: { "entry"?: ModelEntry, "cardSection"?: { "id": string, "markdown": string } }
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOCK_FILE = '/tmp/manifest.lock';
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_MODELS_DIR = path.resolve(here, '..', '..', 'models');

export interface ManifestEdit {
  entry?: { id: string } & Record<string, unknown>;
  cardSection?: { id: string; markdown: string };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Replaces (or appends) the entry with the same id, keeping every other entry and its position. */
export function upsertEntry(manifestText: string | null, entry: { id: string }): string {
  const json = manifestText ? (JSON.parse(manifestText) as { models?: Array<{ id: string }> }) : { models: [] };
  const models = json.models ?? [];
  const i = models.findIndex((m) => m.id === entry.id);
  if (i >= 0) models[i] = entry;
  else models.push(entry);
  return `${JSON.stringify({ ...json, models }, null, 2)}\n`;
}

/** Replaces the text between this section's markers (or appends the section), leaving the rest as it was. */
export function upsertCardSection(cardText: string | null, id: string, markdown: string): string {
  const start = `<!-- section:${id}:start -->`;
  const end = `<!-- section:${id}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const text = cardText ?? '# Model card\n\nEach model shipped under models/ and how it was obtained or trained.\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + end.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

function applyUnlocked(edit: ManifestEdit, modelsDir: string): void {
  if (edit.entry) {
    const file = path.join(modelsDir, 'manifest.json');
    writeAtomic(file, upsertEntry(existsSync(file) ? readFileSync(file, 'utf8') : null, edit.entry));
  }
  if (edit.cardSection) {
    const file = path.join(modelsDir, 'MODEL_CARD.md');
    writeAtomic(file, upsertCardSection(existsSync(file) ? readFileSync(file, 'utf8') : null, edit.cardSection.id, edit.cardSection.markdown));
  }
}

function hasFlock(): boolean {
  return spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Applies the edit under the shared lock by re-running this file inside `flock`. */
export function applyManifestEdit(edit: ManifestEdit, modelsDir: string = REPO_MODELS_DIR): void {
  if (!hasFlock()) {
    console.warn('flock not found: editing the manifest without the shared lock');
    applyUnlocked(edit, modelsDir);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'manifest-edit-'));
  try {
    const file = path.join(dir, 'edit.json');
    writeFileSync(file, JSON.stringify({ ...edit, modelsDir }));
    const tsxCli = path.join(here, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
    execFileSync('flock', [LOCK_FILE, process.execPath, tsxCli, fileURLToPath(import.meta.url), file], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (!arg) {
    console.error('usage: manifest-edit.ts <edit.json>');
    process.exit(2);
  }
  const edit = JSON.parse(readFileSync(arg, 'utf8')) as ManifestEdit & { modelsDir?: string };
  applyUnlocked(edit, edit.modelsDir ?? REPO_MODELS_DIR);
}

/** An entry of the repository's models/manifest.json as it stands (read without the lock: for copying fields from). */
export function repoManifestEntry(id: string): Record<string, unknown> & { id: string } {
  const manifest = JSON.parse(readFileSync(path.join(REPO_MODELS_DIR, 'manifest.json'), 'utf8')) as { models: Array<Record<string, unknown> & { id: string }> };
  const hit = manifest.models.find((m) => m.id === id);
  if (!hit) throw new Error(`${id} is not in models/manifest.json`);
  return hit;
}
