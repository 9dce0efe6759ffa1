import type { z } from 'zod';
import { participantMethods } from './participants.js';
import { faceMethods } from './face.js';
import { framingMethods } from './framing.js';
import { inferenceMethods } from './inference.js';
import { voiceMethods } from './voice.js';
import { analysisMethods, exportMethods, mediaImportMethods } from './analysis.js';
import { labelMethods } from './labels.js';
import { reviewMethods } from './review.js';
import { sessionSearchMethods } from './session-search.js';
import { recordingMethods } from './recording.js';
import { sessionMethods } from './sessions.js';
import { settingsMethods } from './settings.js';
import { vaultMethods } from './vault.js';
import { reportMethods } from './report.js';
import { trendsMethods } from './trends.js';
import { auditMethods, consentMethods, deletionMethods, operatorMethods } from './governance.js';
import { mediaMethods } from './media.js';
import { batchMethods } from './batch.js';
import { queueMethods } from './queue.js';

/**
 * Every request the renderer can make. Main implements each once (src-main/core/handlers);
 * Electron IPC and the browser-mode WebSocket both carry exactly this.
 */
export const contract = {
  ...participantMethods,
  ...sessionMethods,
  ...recordingMethods,
  ...settingsMethods,
  ...analysisMethods,
  ...mediaImportMethods,
  ...mediaMethods,
  ...batchMethods,
  ...exportMethods,
  ...labelMethods,
  ...reviewMethods,
  ...sessionSearchMethods,
  ...faceMethods,
  ...framingMethods,
  ...voiceMethods,
  ...inferenceMethods,
  ...vaultMethods,
  ...reportMethods,
  ...trendsMethods,
  ...operatorMethods,
  ...consentMethods,
  ...deletionMethods,
  ...auditMethods,
  ...queueMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

export { events, type EventName, type EventPayload, type Events } from './events.js';
