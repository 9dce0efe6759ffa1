/** An analysis's chosen models (analysis params `models`, `affect analyze --model ID`), checked before it starts. */
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import { loadManifest, type Manifest } from '../inference/manifest.js';

/** Why the chosen models cannot be used (unknown id, two for one task) as a catalogue entry, or null. */
export function modelChoiceProblem(models: readonly string[], manifest: Manifest = loadManifest()): { key: MessageKey; vars: Record<string, string> } | null {
  const tasks = new Map<string, string>();
  for (const id of models) {
    const m = manifest.models.find((x) => x.id === id);
    if (!m) return { key: 'errors.model.unknown', vars: { id, installed: manifest.models.map((x) => x.id).join(', ') } };
    const other = tasks.get(m.task);
    if (other && other !== id) return { key: 'errors.model.twoForTask', vars: { other, id, task: m.task } };
    tasks.set(m.task, id);
  }
  return null;
}
