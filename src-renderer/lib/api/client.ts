import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { ApiError } from '../../../src-shared/errors.js';
import { electronTransport } from './electron-transport.js';
import type { PreloadBridge, Transport } from './transport.js';
import { websocketTransport } from './websocket-transport.js';

/** Typed access to the contract. Throws ApiError with the core's message on failure. */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.transport.invoke(method, input);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.issues);
    return r.value as MethodOutput<M>;
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.onEvent((n, payload) => {
      if (n === name) listener(payload as EventPayload<E>);
    });
  }

  mediaUrl(sessionId: number, fileName: string): string {
    return this.transport.mediaUrl(sessionId, fileName);
  }
}

declare global {
  interface Window {
    affect?: PreloadBridge;
  }
}

/** Electron's preload bridge when present, otherwise the browser-mode WebSocket. */
export function createApi(): ApiClient {
  return new ApiClient(window.affect ? electronTransport(window.affect) : websocketTransport(window.location));
}

export const api = createApi();
