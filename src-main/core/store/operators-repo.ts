import { ApiError } from '../../../src-shared/errors.js';
import type { Operator, OperatorRole } from '../../../src-shared/governance.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  display_name: string;
  role: OperatorRole;
  created_at: string;
}

const toOperator = (r: Row): Operator => ({ id: r.id, displayName: r.display_name, role: r.role, createdAt: r.created_at });

/** Operator profiles: the named people who use the app. The audit trail refers to them by id. */
export class OperatorsRepo {
  constructor(private readonly db: Db) {}

  list(): Operator[] {
    return (this.db.prepare('SELECT * FROM operator ORDER BY display_name COLLATE NOCASE').all() as Row[]).map(toOperator);
  }

  find(id: number): Operator | null {
    const row = this.db.prepare('SELECT * FROM operator WHERE id = ?').get(id) as Row | undefined;
    return row ? toOperator(row) : null;
  }

  get(id: number): Operator {
    const op = this.find(id);
    if (!op) throw new ApiError('not_found', `Operator ${id} does not exist`);
    return op;
  }

  /** By id, or by display name regardless of case (the command line accepts either). */
  lookup(idOrName: string): Operator | null {
    const byName = this.db.prepare('SELECT * FROM operator WHERE display_name = ? COLLATE NOCASE').get(idOrName) as Row | undefined;
    if (byName) return toOperator(byName);
    return /^[1-9][0-9]*$/.test(idOrName) ? this.find(Number(idOrName)) : null;
  }

  private refuseDuplicate(name: string, except: number | null): void {
    const clash = this.db.prepare('SELECT id, display_name FROM operator WHERE display_name = ? COLLATE NOCASE').get(name) as { id: number; display_name: string } | undefined;
    if (clash && clash.id !== except) throw new ApiError('conflict', `An operator named "${clash.display_name}" already exists`);
  }

  create(displayName: string, role: OperatorRole): Operator {
    this.refuseDuplicate(displayName, null);
    const info = this.db.prepare('INSERT INTO operator (display_name, role, created_at) VALUES (?, ?, ?)').run(displayName, role, nowIso());
    return this.get(Number(info.lastInsertRowid));
  }

  update(id: number, fields: { displayName?: string; role?: OperatorRole }): Operator {
    const op = this.get(id);
    if (fields.displayName !== undefined) this.refuseDuplicate(fields.displayName, id);
    this.db.prepare('UPDATE operator SET display_name = ?, role = ? WHERE id = ?').run(fields.displayName ?? op.displayName, fields.role ?? op.role, id);
    return this.get(id);
  }
}
