import type { Result } from '../../../src-shared/errors.js';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../../src-shared/wire.js';
import type { Transport } from './transport.js';
import { t } from '../i18n/i18n.js';

/**
 * Browser mode: one WebSocket to the loopback server carrying the same contract. It is admitted by the
 * HttpOnly session cookie the server set when this browser opened its one-time launch address; the page
 * never sees a credential.
 */
export function websocketTransport(location: Location): Transport {
  const wsUrl = `ws://${location.host}/rpc`;
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const pending = new Map<number, (r: Result<unknown>) => void>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (socket) return socket;
    socket = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error(t('connection.unreachable')));
      ws.onclose = () => {
        socket = null;
        for (const done of pending.values()) done({ ok: false, error: { code: 'unavailable', message: t('connection.lost') } });
        pending.clear();
      };
      ws.onmessage = (ev) => {
        const msg = decodeFrame(new Uint8Array(ev.data as ArrayBuffer)) as ServerMessage;
        if (msg.type === 'res') {
          pending.get(msg.id)?.(msg.result);
          pending.delete(msg.id);
        } else {
          for (const l of listeners) l(msg.name, msg.payload);
        }
      };
    });
    socket.catch(() => {
      socket = null;
    });
    return socket;
  };

  return {
    kind: 'browser',
    async invoke(method, input) {
      let ws: WebSocket;
      try {
        ws = await connect();
      } catch (e) {
        return { ok: false, error: { code: 'unavailable', message: (e as Error).message } };
      }
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(encodeFrame({ type: 'req', id, method, input }) as Uint8Array<ArrayBuffer>);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      void connect().catch(() => {});
      return () => listeners.delete(listener);
    },
    mediaUrl: (sessionId, fileName) => `/media/${sessionId}/${encodeURIComponent(fileName)}`,
  };
}
