import type { CallContext } from '../rpc/dispatch.js';
import { type AuditEvent, writeAudit } from '../store/audit-log.js';

export type { AuditEvent } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import type { OperatorSessions } from '../governance/operator-sessions.js';

/**
 * Writes audit entries under the calling operator's id (refusing calls without one) or, for what the app does
 * by itself (recovering an interrupted recording), under no operator.
 */
export class Auditor {
  constructor(
    private readonly db: Db,
    private readonly operators: OperatorSessions,
  ) {}

  /** Appends an entry for the operator of `ctx`; returns the entry id. Throws 'forbidden' without an operator. */
  write(ctx: CallContext, e: AuditEvent): number {
    return writeAudit(this.db, this.operators.require(ctx).id, e);
  }

  system(e: AuditEvent): number {
    return writeAudit(this.db, null, e);
  }

  /** Work an operator queued and the app does later (the Sessions view's queue): under that operator's id. */
  onBehalfOf(operatorId: number | null, e: AuditEvent): number {
    return writeAudit(this.db, operatorId, e);
  }
}
