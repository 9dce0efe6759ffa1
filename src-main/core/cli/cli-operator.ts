import type { AppCore } from '../app-core.js';

/** `--operator NAME|ID`, else the profile last chosen on this machine; an error in words when there is neither. */
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
