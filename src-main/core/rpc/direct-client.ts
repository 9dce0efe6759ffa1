/**
 * The third transport: calls from inside the process (the CLI, tests, a future queue worker) to the same
 * dispatcher that Electron IPC and the browser-mode WebSocket reach, so they are validated by the contract,
 * handled once and audited like a click in the app. Nothing is serialised: the core is right here.
 */
import { ContractClient, type ContractTransport } from '../../../src-shared/client/contract-client.js';
import type { AppCore } from '../app-core.js';
import type { CallContext } from './dispatch.js';

export function directTransport(core: Pick<AppCore, 'handle' | 'services'>, ctx: CallContext): ContractTransport {
  return {
    invoke: (method, input) => core.handle(method, input, ctx),
    onEvent: (listener) => core.services.events.subscribe((name, payload) => listener(name, payload)),
  };
}

/**
 * A typed client over the core. `ctx` names the caller like one renderer connection (the recordings it owns)
 * and, optionally, the actor its audit entries name.
 */
export function directClient(core: Pick<AppCore, 'handle' | 'services'>, ctx: CallContext = { clientId: 'in-process' }): ContractClient {
  return new ContractClient(directTransport(core, ctx));
}
