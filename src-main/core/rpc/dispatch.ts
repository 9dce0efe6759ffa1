import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../../src-shared/contract/index.js';
import { ApiError, type Result } from '../../../src-shared/errors.js';

/** Who is calling: one id per renderer connection, so its recordings can be recovered if it goes away. */
export interface CallContext {
  clientId: string;
  /**
   * The operator profile acting, when the caller carries it itself (command line, in-process callers); a window
   * chooses one with operators.select instead.
   */
  operatorId?: number;
}

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

/**
 * The one boundary every request crosses, whatever the transport: unknown methods and payloads that fail
 * the contract's schema are answered with a typed error and never reach a handler.
 */
export async function dispatch(handlers: Handlers, method: unknown, input: unknown, ctx: CallContext, log: (e: unknown) => void = console.error): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `Unknown request ${JSON.stringify(method)}` } };
  }
  const parsed = contract[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return { ok: false, error: { code: 'invalid_input', message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues } };
  }
  try {
    const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
    return { ok: true, value: await handler(parsed.data, ctx) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toBody() };
    log(e);
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
