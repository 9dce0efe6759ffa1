/**
 * Typed calls over the contract, whichever transport carries them: Electron IPC and the browser-mode
 * WebSocket in the renderer, the in-process transport in the CLI and the tests. Every transport ends in the
 * core's one dispatcher, so a request is validated, handled and audited the same way whoever makes it.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../contract/index.js';
import { ApiError, type Result } from '../errors.js';

/** What a client needs from a connection to the core. */
export interface ContractTransport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

/** Throws ApiError with the core's code and message on failure. */
export class ContractClient<T extends ContractTransport = ContractTransport> {
  constructor(readonly transport: T) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.transport.invoke(method, input);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.issues, r.error.i18n);
    return r.value as MethodOutput<M>;
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.onEvent((n, payload) => {
      if (n === name) listener(payload as EventPayload<E>);
    });
  }
}

/** A client's `call`, for helpers that only make requests. */
export type Call = ContractClient['call'];
