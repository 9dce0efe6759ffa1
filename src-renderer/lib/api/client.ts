import { ContractClient } from '../../../src-shared/client/contract-client.js';
import { electronTransport } from './electron-transport.js';
import type { PreloadBridge, Transport } from './transport.js';
import { websocketTransport } from './websocket-transport.js';

/** Typed access to the contract (ContractClient) plus the URL of a session's media for <video>. */
export class ApiClient extends ContractClient<Transport> {
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
