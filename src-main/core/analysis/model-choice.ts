/** An analysis's chosen models (analysis params `models`, `affect analyze --model ID`), checked before it starts. */
import { loadManifest, type Manifest } from '../inference/manifest.js';

/** Why the chosen models cannot be used (unknown id, two for one task), or null. */
export function modelChoiceProblem(models: readonly string[], manifest: Manifest = loadManifest()): string | null {
  const tasks = new Map<string, string>();
  for (const id of models) {
    const m = manifest.models.find((x) => x.id === id);
    if (!m) return `There is no model "${id}" (installed: ${manifest.models.map((x) => x.id).join(', ')})`;
    const other = tasks.get(m.task);
    if (other && other !== id) return `"${other}" and "${id}" are both ${m.task} models; choose one`;
    tasks.set(m.task, id);
  }
  return null;
}
