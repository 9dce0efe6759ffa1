import type { ContractTransport } from '../../../src-shared/client/contract-client.js';
import type { Result } from '../../../src-shared/errors.js';

/** What the renderer needs from main, whichever way it is connected. */
export interface Transport extends ContractTransport {
  readonly kind: 'electron' | 'browser';
  /** URL the <video> element can load a session's media file from. */
  mediaUrl(sessionId: number, fileName: string): string;
}

/** Shape of what src-preload exposes on window.affect. */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}
