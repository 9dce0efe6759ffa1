import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../src-shared/errors.js';
import type { Operator } from '../../../src-shared/governance.js';
import { readConfig, writeConfig } from '../config/app-config.js';
import type { CallContext } from '../rpc/dispatch.js';
import type { OperatorsRepo } from '../store/operators-repo.js';

const rememberedSchema = z.record(z.string(), z.number().int().positive());

/**
 * Who is using the app, per connection: each window (or the command line) chooses an operator profile at start;
 * every audited action is then recorded under that profile's id. The last choice is remembered on this machine
 * (in the app's config, per data folder), so the next start offers it first. A profile is attribution, not a
 * password: anyone who can open the app on this computer account can choose any profile.
 */
export class OperatorSessions {
  private readonly chosen = new Map<string, number>();

  constructor(
    private readonly operators: OperatorsRepo,
    private readonly dataDir: string,
  ) {}

  /** The operator of a call: the one the caller carries (CLI, tests) or the one its connection chose. */
  of(ctx: CallContext): Operator | null {
    const id = ctx.operatorId ?? this.chosen.get(ctx.clientId);
    return id === undefined ? null : this.operators.find(id);
  }

  /** As `of`, but refuses the request when no profile was chosen. */
  require(ctx: CallContext): Operator {
    const op = this.of(ctx);
    if (!op) throw new ApiError('forbidden', 'Choose who is using Affect Studio (an operator profile) before doing this');
    return op;
  }

  select(ctx: CallContext, id: number): Operator {
    const op = this.operators.get(id);
    this.chosen.set(ctx.clientId, id);
    try {
      const config = readConfig();
      const remembered = rememberedSchema.safeParse(config.operators);
      writeConfig({ ...config, operators: { ...(remembered.success ? remembered.data : {}), [path.resolve(this.dataDir)]: id } });
    } catch {
      /* remembering is a convenience; failing to write the config must not stop the choice */
    }
    return op;
  }

  /** The profile last chosen on this machine for this data folder, if it still exists. */
  remembered(): Operator | null {
    const parsed = rememberedSchema.safeParse(readConfig().operators);
    const id = parsed.success ? parsed.data[path.resolve(this.dataDir)] : undefined;
    return id === undefined ? null : this.operators.find(id);
  }

  forget(clientId: string): void {
    this.chosen.delete(clientId);
  }
}
