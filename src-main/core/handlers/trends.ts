import type { CoreServices } from '../core-services.js';
import { participantTrends, trendsCsv, trendsCsvFileName, type TrendsDeps } from '../report/trends.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';
import { writeAudit } from '../store/audit-log.js';

export function trendsHandlers(s: CoreServices): Pick<Handlers, 'participants.trends' | 'participants.trendsCsv'> {
  const deps: TrendsDeps = { participants: s.participants, sessions: s.sessions, runs: s.analysis.runs, fused: s.analysis.fused, episodes: s.analysis.episodes };
  return {
    'participants.trends': ({ participantId }) => participantTrends(deps, participantId),
    'participants.trendsCsv': ({ participantId, bom }, ctx) => {
      const tr = participantTrends(deps, participantId);
      writeAudit(s.db, { actor: actorOf(ctx), action: 'trends.export', entity: 'participant', entityId: participantId, detail: { sessions: tr.sessions.length } });
      return { fileName: trendsCsvFileName(tr.participant.code), csv: trendsCsv(tr, { bom }) };
    },
  };
}
