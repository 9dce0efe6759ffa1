/**
 * Reads a FER+ style `labels.csv` (../shared/data/ferplus: one row per image with `file`, the crowd's vote
 * columns, `ferplus_majority`, and optionally `usage` and `fer2013_label`) into labelled items for eval:faces.
 * Images are relative to the CSV's folder. FER+'s emotion names become the app's (happiness → happy, …).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { decodeImageFile } from './decode-image.js';

/** FER+ emotion names (vote columns and `ferplus_majority` values) → the app's label names. */
export const FERPLUS_TO_APP: Readonly<Record<string, string>> = {
  neutral: 'neutral',
  happiness: 'happy',
  surprise: 'surprise',
  sadness: 'sad',
  anger: 'angry',
  disgust: 'disgust',
  fear: 'fear',
  contempt: 'contempt',
};

export type FerplusTruth = 'ferplus' | 'fer2013';

export interface FerplusOptions {
  /** Score against `ferplus_majority` (default) or the original `fer2013_label`. */
  truth: FerplusTruth;
  /**
   * Keep rows of this `usage` only. Undefined: a file with one usage (or none) keeps every row, a file with several
   * (FER+: Training, PublicTest) keeps `PublicTest`, so a model is never scored on its training images by default.
   */
  usage?: string;
  /** Drop rows whose image is pixel-identical to an image of another usage in the same file (train/test copies). */
  dropCrossUsageDuplicates: boolean;
  /** At most this many images per true label. */
  limitPerLabel: number;
}

export interface FerplusItems {
  items: Array<{ file: string; label: string }>;
  /** Rows of the chosen usage skipped: no image, no label of the chosen kind, or a duplicate. */
  skipped: { noImage: number; noLabel: number; duplicate: number };
  /** The usage scored (empty when the file has no usage column). */
  usage: string;
}

type Row = Record<string, string>;

function pixelHash(file: string): string {
  const img = decodeImageFile(file);
  return createHash('sha1').update(img.rgba).update(`${img.width}x${img.height}`).digest('hex');
}

export function readFerplusLabels(dir: string, opts: FerplusOptions): FerplusItems {
  const csvPath = path.join(dir, 'labels.csv');
  if (!existsSync(csvPath)) throw new Error(`${csvPath} not found (--labels ferplus reads DIR/labels.csv)`);
  const rows = parse(readFileSync(csvPath), { columns: true, skip_empty_lines: true }) as Row[];
  const need = ['file', opts.truth === 'ferplus' ? 'ferplus_majority' : 'fer2013_label'];
  const columns = Object.keys(rows[0] ?? {});
  for (const c of need) if (!columns.includes(c)) throw new Error(`${csvPath} has no "${c}" column`);
  const usages = [...new Set(rows.map((r) => r.usage ?? ''))];
  const usage = opts.usage ?? (usages.length === 1 ? usages[0] : 'PublicTest');
  if (!usages.includes(usage)) throw new Error(`${csvPath} has no rows with usage "${usage}" (it has: ${usages.join(', ')}); choose one with --usage`);
  const root = path.resolve(dir);
  const imagePath = (r: Row): string => {
    const p = path.resolve(root, r.file);
    if (!p.startsWith(root + path.sep)) throw new Error(`${csvPath}: image path "${r.file}" leaves ${dir}`);
    return p;
  };
  const chosen = rows.filter((r) => (r.usage ?? '') === usage);

  let others = new Set<string>();
  if (opts.dropCrossUsageDuplicates) {
    others = new Set(rows.filter((r) => (r.usage ?? '') !== usage && r.file).map((r) => pixelHash(imagePath(r))));
  }
  const skipped = { noImage: 0, noLabel: 0, duplicate: 0 };
  const perLabel = new Map<string, number>();
  const items: Array<{ file: string; label: string }> = [];
  for (const r of chosen) {
    if (!r.file) {
      skipped.noImage++;
      continue;
    }
    const raw = opts.truth === 'ferplus' ? r.ferplus_majority : r.fer2013_label;
    const label = opts.truth === 'ferplus' ? FERPLUS_TO_APP[raw] : raw;
    if (!raw) {
      skipped.noLabel++;
      continue;
    }
    if (!label) throw new Error(`${csvPath}: unknown label "${raw}" for ${r.file}`);
    const file = imagePath(r);
    if (opts.dropCrossUsageDuplicates && others.has(pixelHash(file))) {
      skipped.duplicate++;
      continue;
    }
    const k = perLabel.get(label) ?? 0;
    if (k >= opts.limitPerLabel) continue;
    perLabel.set(label, k + 1);
    items.push({ file, label });
  }
  if (!items.length) throw new Error(`No labelled images in ${csvPath}${usage ? ` (usage ${usage})` : ''}`);
  return { items, skipped, usage };
}
