import type { PreloadBridge, Transport } from './transport.js';

/** Electron: requests go through the preload's contextBridge; media through the app's own protocol. */
export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    invoke: (method, input) => bridge.invoke(method, input),
    onEvent: (listener) => bridge.onEvent(listener),
    mediaUrl: (sessionId, fileName) => `affect-media://session/${sessionId}/${encodeURIComponent(fileName)}`,
  };
}
