/**
 * Who is using this window (issue 17): an operator profile chosen at start. The core records every audited
 * action under its id. The choice is remembered on this machine by the core (offered first at the next start)
 * and for this tab in sessionStorage, so a reload does not ask again.
 */
import type { Operator, OperatorRole } from '../../../src-shared/governance.js';
import { api } from '../api/client.js';
import { t } from '../i18n/i18n.js';

const TAB_KEY = 'affect.operatorId';

class OperatorState {
  current = $state<Operator | null>(null);
  remembered = $state<Operator | null>(null);
  profiles = $state<Operator[]>([]);
  /** False until the start-up check has run (the gate shows nothing before that). */
  ready = $state(false);

  async init(): Promise<void> {
    const [{ current, remembered }, profiles] = await Promise.all([api.call('operators.current', {}), api.call('operators.list', {})]);
    this.profiles = profiles;
    this.remembered = remembered;
    this.current = current;
    const tab = Number(sessionStorage.getItem(TAB_KEY));
    if (!this.current && tab && profiles.some((p) => p.id === tab)) await this.select(tab);
    this.ready = true;
  }

  async select(id: number): Promise<void> {
    this.current = await api.call('operators.select', { id });
    sessionStorage.setItem(TAB_KEY, String(id));
  }

  async create(displayName: string, role: OperatorRole): Promise<void> {
    const op = await api.call('operators.create', { displayName, role });
    this.profiles = await api.call('operators.list', {});
    await this.select(op.id);
  }

  /** Back to the start screen to choose another profile. */
  async switchUser(): Promise<void> {
    sessionStorage.removeItem(TAB_KEY);
    this.current = null;
    this.profiles = await api.call('operators.list', {});
    this.remembered = (await api.call('operators.current', {})).remembered;
  }
}

export const operator = new OperatorState();

/** A role in words, in the interface's language. */
export function roleName(role: OperatorRole): string {
  return t(`gov.role.${role}`);
}
