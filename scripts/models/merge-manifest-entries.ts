/**
 * Replaces (or appends) the given entries in models/manifest.json by id, keeping every other entry and the
 * file's order. Run under `flock /tmp/manifest.lock`: several conversion scripts edit the same file.
 *
 *   node --import tsx scripts/models/merge-manifest-entries.ts ENTRIES.json models/manifest.json
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const [entriesFile, manifestFile] = process.argv.slice(2);
if (!entriesFile || !manifestFile) throw new Error('usage: merge-manifest-entries.ts ENTRIES.json MANIFEST.json');
const entries = JSON.parse(readFileSync(entriesFile, 'utf8')) as Array<{ id: string }>;
const manifest = existsSync(manifestFile)
  ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { models: Array<{ id: string }> } & Record<string, unknown>)
  : { models: [] };
for (const e of entries) {
  const i = manifest.models.findIndex((m) => m.id === e.id);
  if (i >= 0) {
    // Keep fields other tools added to our entry (e.g. measured metrics) unless we now provide them.
    manifest.models[i] = { ...manifest.models[i], ...e };
  } else manifest.models.push(e);
}
const tmp = `${manifestFile}.tmp-${process.pid}`;
writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
renameSync(tmp, manifestFile);
console.log(`  updated ${entries.map((e) => e.id).join(', ')} in ${manifestFile}`);
