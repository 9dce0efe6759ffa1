/**
 * The command line's way into the core: every request goes through the same dispatcher, contract validation,
 * handlers and audit entries as the app's, under the chosen operator profile.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { AppCore } from '../app-core.js';
import type { CallContext } from '../rpc/dispatch.js';

export class CoreClient {
  constructor(
    readonly core: AppCore,
    readonly ctx: CallContext,
  ) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.core.handle(method, input, this.ctx);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.issues);
    return r.value as MethodOutput<M>;
  }
}

/** `--operator NAME|ID`, else the profile last chosen on this machine; null when there is neither. */
export function cliOperator(core: AppCore, given: string | undefined): { id: number } | { error: string } {
  const { operators, operatorSessions } = core.services;
  if (given !== undefined) {
    const op = operators.lookup(given.trim());
    return op ? { id: op.id } : { error: `no operator profile "${given}" (list them with \`affect operators\`)` };
  }
  const remembered = operatorSessions.remembered();
  if (remembered) return { id: remembered.id };
  return { error: 'choose an operator profile with --operator NAME (create one with `affect operators add NAME --role clinician|researcher|admin`)' };
}
