import type { CoreServices } from '../core-services.js';
import { requireConsent } from '../governance/consent-check.js';
import { participantTrends, trendsCsv, trendsCsvFileName, type TrendsDeps } from '../report/trends.js';
import type { Handlers } from '../rpc/dispatch.js';

export function trendsHandlers(s: CoreServices): Pick<Handlers, 'participants.trends' | 'participants.trendsCsv'> {
  const deps: TrendsDeps = { participants: s.participants, sessions: s.sessions, runs: s.analysis.runs, fused: s.analysis.fused, episodes: s.analysis.episodes };
  return {
    'participants.trends': ({ participantId }) => {
      requireConsent(s.participants, participantId, ['analysis'], 'show the analysis trends');
      return participantTrends(deps, participantId);
    },
    'participants.trendsCsv': ({ participantId, bom }, ctx) => {
      // A CSV of the figures leaves the app like any export: analysis and research use, as export.sessions asks.
      requireConsent(s.participants, participantId, ['analysis', 'research'], 'export the analysis trends');
      const tr = participantTrends(deps, participantId);
      s.audit.write(ctx, { action: 'trends.export', participantId, object: 'participant', objectId: participantId, detail: { sessions: tr.sessions.length } });
      return { fileName: trendsCsvFileName(tr.participant.code), csv: trendsCsv(tr, { bom }) };
    },
  };
}
