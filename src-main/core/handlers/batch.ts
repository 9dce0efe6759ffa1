import type { BatchQueue } from '../batch/batch-queue.js';
import type { CoreServices } from '../core-services.js';
import type { Handlers } from '../rpc/dispatch.js';

type BatchMethods = 'batch.executors' | 'batch.create' | 'batch.list' | 'batch.uploadChunk' | 'batch.uploadDone' | 'batch.cancel' | 'batch.retry' | 'batch.remove';

/** The work queue's requests; acting on it needs an operator profile (its entries are audited under it). */
export function batchHandlers(s: CoreServices, q: BatchQueue): Pick<Handlers, BatchMethods> {
  return {
    'batch.executors': () => q.executors(),
    'batch.create': (input, ctx) => q.create(input, s.operatorSessions.require(ctx).id),
    'batch.list': () => q.list(),
    'batch.uploadChunk': async ({ itemId, seq, data }, ctx) => {
      s.operatorSessions.require(ctx);
      return { received: await q.uploadChunk(itemId, seq, data) };
    },
    'batch.uploadDone': ({ itemId }, ctx) => {
      s.operatorSessions.require(ctx);
      return q.uploadDone(itemId);
    },
    'batch.cancel': ({ batchId, itemId }, ctx) => {
      s.operatorSessions.require(ctx);
      return q.cancel(batchId, itemId);
    },
    'batch.retry': ({ itemId }, ctx) => {
      s.operatorSessions.require(ctx);
      return q.retry(itemId);
    },
    'batch.remove': ({ batchId }, ctx) => {
      s.operatorSessions.require(ctx);
      q.remove(batchId);
      return { removed: true as const };
    },
  };
}
