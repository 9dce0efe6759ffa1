/**
 * The path mapping between the machines: a lab file server folder is known to every machine by one name (a
 * "share"), and each machine says where it has it mounted (`--share corpus=/mnt/lab/corpus` here,
 * `--share corpus=Z:\corpus` there). A job names a clip as share + path inside it, never as one machine's path;
 * a worker resolves it under its own mount and refuses anything that would lead outside it (`..`, absolute
 * paths, links that point elsewhere), since whoever can write to the queue chooses what a job names.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { note, NotedError } from '../../../src-shared/i18n/notes.js';

export const shareNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a share name is letters, digits, dot, dash or underscore');

/** A clip's place on a share: `path` is relative, with "/" between folders whatever the machine. */
export const shareRefSchema = z
  .object({
    share: shareNameSchema,
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0'), 'a path on a share is relative, with / between folders')
      .refine((p) => p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'), 'a path on a share may not contain empty, . or .. parts'),
  })
  .strict();
export type ShareRef = z.infer<typeof shareRefSchema>;

export interface Share {
  name: string;
  /** Absolute folder on this machine. */
  root: string;
}

/** A share that cannot be used, as a catalogue entry (errors.share.*) so `affect` and the app word it. */
export class ShareError extends NotedError {}

/** Parses `NAME=FOLDER` (the folder must exist on this machine). */
export function parseShare(spec: string): Share {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new ShareError(note('errors.share.syntax', { spec }));
  const name = spec.slice(0, eq);
  const root = spec.slice(eq + 1);
  if (!shareNameSchema.safeParse(name).success) throw new ShareError(note('errors.share.name', { name }));
  if (!root) throw new ShareError(note('errors.share.noFolder', { name }));
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new ShareError(note('errors.share.missing', { name, root }));
  }
  if (!st.isDirectory()) throw new ShareError(note('errors.share.notFolder', { name, root }));
  return { name, root: realpathSync(path.resolve(root)) };
}

export function parseShares(specs: readonly string[]): Share[] {
  const shares = specs.map(parseShare);
  const names = new Set<string>();
  for (const s of shares) {
    if (names.has(s.name)) throw new ShareError(note('errors.share.twice', { name: s.name }));
    names.add(s.name);
  }
  return shares;
}

function inside(root: string, file: string): string | null {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel;
}

/** Where a local file is on one of the shares, or null when it is on none (it then has to travel in the job). */
export function toShareRef(shares: readonly Share[], file: string): ShareRef | null {
  let real: string;
  try {
    real = realpathSync(path.resolve(file));
  } catch {
    return null;
  }
  for (const s of shares) {
    const rel = inside(s.root, real);
    if (rel !== null) return { share: s.name, path: rel.split(path.sep).join('/') };
  }
  return null;
}

/** The local file a share reference names, checked to be a file inside that share's folder on this machine. */
export function resolveShareRef(shares: readonly Share[], ref: ShareRef): string {
  const parsed = shareRefSchema.safeParse(ref);
  if (!parsed.success) throw new ShareError(note('errors.share.invalidPath', { issues: parsed.error.issues.map((i) => i.message).join('; ') }));
  const share = shares.find((s) => s.name === ref.share);
  if (!share) throw new ShareError(note('errors.share.unknown', { name: ref.share }));
  const file = path.join(share.root, ...ref.path.split('/'));
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new ShareError(note('errors.share.notOnShare', { share: ref.share, path: ref.path, root: share.root }));
  }
  // A link inside the share that leads out of it is refused like a "..".
  if (inside(realpathSync(share.root), real) === null) throw new ShareError(note('errors.share.outside', { share: ref.share, path: ref.path }));
  if (!statSync(real).isFile()) throw new ShareError(note('errors.share.notFile', { share: ref.share, path: ref.path }));
  return real;
}
