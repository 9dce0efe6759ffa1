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

export class ShareError extends Error {}

/** Parses `NAME=FOLDER` (the folder must exist on this machine). */
export function parseShare(spec: string): Share {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new ShareError(`--share takes NAME=FOLDER, not "${spec}"`);
  const name = spec.slice(0, eq);
  const root = spec.slice(eq + 1);
  if (!shareNameSchema.safeParse(name).success) throw new ShareError(`"${name}": a share name is letters, digits, dot, dash or underscore`);
  if (!root) throw new ShareError(`--share ${name}= needs a folder`);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new ShareError(`share ${name}: the folder ${root} does not exist on this machine`);
  }
  if (!st.isDirectory()) throw new ShareError(`share ${name}: ${root} is not a folder`);
  return { name, root: realpathSync(path.resolve(root)) };
}

export function parseShares(specs: readonly string[]): Share[] {
  const shares = specs.map(parseShare);
  const names = new Set<string>();
  for (const s of shares) {
    if (names.has(s.name)) throw new ShareError(`share ${s.name} is given twice`);
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
  if (!parsed.success) throw new ShareError(`the job names an invalid path on a share: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const share = shares.find((s) => s.name === ref.share);
  if (!share) throw new ShareError(`this worker has no share "${ref.share}" (start it with --share ${ref.share}=FOLDER)`);
  const file = path.join(share.root, ...ref.path.split('/'));
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new ShareError(`${ref.share}:${ref.path} is not on this worker's share (${share.root})`);
  }
  // A link inside the share that leads out of it is refused like a "..".
  if (inside(realpathSync(share.root), real) === null) throw new ShareError(`${ref.share}:${ref.path} leads outside the share`);
  if (!statSync(real).isFile()) throw new ShareError(`${ref.share}:${ref.path} is not a file`);
  return real;
}
