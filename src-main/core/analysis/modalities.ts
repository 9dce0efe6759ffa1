/**
 * Every modality the app analyses, in the order runs record their models. Adding one is a folder under
 * analysis/ (its stage and its ModalityDefinition) and a line here; its observations need a table, and an
 * offline run's resume point a progress column (store/analysis-runs-repo.ts), in a migration.
 */
import { faceModality } from './face/face-modality.js';
import type { MediaSource, ModalityDefinition, ModelChoice, Stage, Timed } from './stage.js';
import { getModel } from '../inference/manifest.js';
import { voiceModality } from './voice/voice-modality.js';
import type { InferenceService } from '../inference/inference-service.js';

/** Erased to the common shape: a stage's results only ever go to its own modality's writer. */
const register = <S extends MediaSource, R extends Timed>(m: ModalityDefinition<S, R>): ModalityDefinition => m as unknown as ModalityDefinition;

export const MODALITIES: readonly ModalityDefinition[] = [register(faceModality), register(voiceModality)];

export function modality(name: string): ModalityDefinition {
  const m = MODALITIES.find((x) => x.name === name);
  if (!m) throw new Error(`Unknown modality "${name}"`);
  return m;
}

/**
 * The stages of the process, each created once (its models loaded) on first use and shared by live and
 * offline analysis; a stage whose models cannot be loaded is tried again next time.
 */
export class Stages {
  private readonly made = new Map<string, Promise<Stage>>();

  constructor(private readonly inference: () => Promise<InferenceService>) {}

  /** The modality's stage with the chosen models (manifest ids; none: every task's default), made once. */
  get(m: ModalityDefinition, models: readonly string[] = []): Promise<Stage> {
    const key = [m.name, ...models].join('|');
    let p = this.made.get(key);
    if (!p) {
      p = this.inference().then((svc) => m.create(svc, chooser(svc, models)));
      this.made.set(key, p);
      p.catch(() => this.made.delete(key));
    }
    return p;
  }

  /** The stages for the given sources; one that cannot start is left out and `notes` says why. */
  async available(sources: ReadonlySet<MediaSource>, models: readonly string[] = []): Promise<{ stages: Stage[]; notes: string[] }> {
    const stages: Stage[] = [];
    const notes: string[] = [];
    for (const m of MODALITIES) {
      if (!sources.has(m.source)) continue;
      try {
        const stage = await this.get(m, models);
        stages.push(stage);
        notes.push(...stage.notes);
      } catch (e) {
        notes.push(`${m.name} analysis unavailable: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { stages, notes };
  }
}

/** Which chosen model serves a task: the manifest says each model's task. */
function chooser(svc: InferenceService, models: readonly string[]): ModelChoice {
  const byTask = new Map(models.map((id) => [getModel(svc.manifest, id).task as string, id]));
  return (task) => byTask.get(task);
}
