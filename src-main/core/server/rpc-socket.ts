/**
 * The contract over one browser-mode WebSocket. A client that breaks the WebSocket protocol (bad UTF-8,
 * oversized or unmasked frames, reserved bits or opcodes) is dropped by `ws`, which reports it as an 'error'
 * event on that socket: without a listener Node would throw it and take the server, and any recording, down.
 */
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../../src-shared/wire.js';
import type { AppEndpoint } from '../app-endpoint.js';

/** Requests one connection may have in flight; more are refused rather than queued without bound. */
export const MAX_IN_FLIGHT = 64;

function frameBytes(data: RawData): Uint8Array {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function serveRpcSocket(core: AppEndpoint, ws: WebSocket, log: (msg: string) => void): void {
  const clientId = `ws-${randomUUID()}`;
  let inFlight = 0;
  const send = (m: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(m), (e) => e && log(`WebSocket send failed: ${e.message}`));
  };
  const unsubscribe = core.events.subscribe((name, payload) => send({ type: 'evt', name, payload }));

  ws.on('error', (e) => {
    log(`WebSocket client dropped: ${e.message}`);
    ws.terminate();
  });
  ws.on('message', (data, isBinary) => {
    void (async () => {
      let id = -1;
      try {
        if (!isBinary) throw new Error('Text frames are not part of the protocol');
        const msg = decodeFrame(frameBytes(data)) as { type?: unknown; id?: unknown; method?: unknown; input?: unknown } | null;
        if (msg?.type !== 'req' || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id)) throw new Error('Not a request message');
        id = msg.id;
        if (inFlight >= MAX_IN_FLIGHT) {
          send({ type: 'res', id, result: { ok: false, error: { code: 'unavailable', message: `Too many requests at once (at most ${MAX_IN_FLIGHT})` } } });
          return;
        }
        inFlight++;
        try {
          send({ type: 'res', id, result: await core.handle(msg.method, msg.input, { clientId }) });
        } finally {
          inFlight--;
        }
      } catch (e) {
        send({ type: 'res', id, result: { ok: false, error: { code: 'invalid_input', message: e instanceof Error ? e.message : String(e) } } });
      }
    })();
  });
  ws.on('close', () => {
    unsubscribe();
    core.clientGone(clientId, 'The window was closed or reloaded while recording; everything written before that was kept').catch((e: unknown) => {
      log(`Could not finalize the recordings of a closed window: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
}
