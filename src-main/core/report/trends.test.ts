// A participant across visits: each session with its newest complete run's figures, oldest first, and the
// same figures as CSV with the documented English columns.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { createCore } from '../app-core.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';
import { participantTrends, TRENDS_COLUMNS, trendsCsv, trendsCsvFileName } from './trends.js';

describe('participant trends', () => {
  it('lists the sessions in date order with their figures, and as CSV', async () => {
    const dir = tempDir();
    const core = await createCore({ dataDir: dir, noLock: true });
    try {
      const s = core.services;
      const later = await seedReviewSession(s.db, dir, { durationMs: 20_000, video: false, participantCode: 'P-0100', startedAt: '2026-03-02T10:00:00.000Z', protocol: '=visit 2' });
      const earlier = await seedReviewSession(s.db, dir, { durationMs: 10_000, video: false, participantCode: 'P-0100', startedAt: '2026-02-01T10:00:00.000Z' });
      const pid = s.participants.list().find((p) => p.code === 'P-0100')!.id;
      const unanalysed = s.sessions.create({ participantId: pid, protocol: 'not yet', operatorId: null, note: '' });
      await seedReviewSession(s.db, dir, { durationMs: 10_000, video: false, participantCode: 'P-OTHER' });

      const tr = participantTrends({ participants: s.participants, sessions: s.sessions, runs: s.analysis.runs, fused: s.analysis.fused, episodes: s.analysis.episodes }, pid);
      expect(tr.participant.code).toBe('P-0100');
      expect(tr.sessions.map((x) => x.sessionId)).toEqual([earlier.sessionId, later.sessionId, unanalysed.id]);
      const [a] = tr.sessions;
      expect(a.runId).toBe(earlier.runId);
      expect(a.coverage?.anyEstimate).toBeCloseTo(0.8, 5);
      expect(a.emotions.find((e) => e.emotion === 'happy')?.dominantShare).toBeCloseTo(0.5, 5);
      expect(tr.sessions[2]).toMatchObject({ runId: null, coverage: null, emotions: [] });

      const rows = parse(trendsCsv(tr), { columns: true }) as Record<string, string>[];
      expect(Object.keys(rows[0])).toEqual([...TRENDS_COLUMNS]);
      expect(TRENDS_COLUMNS).toHaveLength(10 + EMOTIONS.length * 4);
      expect(rows.map((r) => r.session_id)).toEqual([earlier.sessionId, later.sessionId, unanalysed.id].map(String));
      expect(rows[0].coverage_any_estimate).toBe('0.8');
      expect(rows[1].protocol).toBe("'=visit 2");
      expect(rows[2].run_id).toBe('');
      expect(trendsCsvFileName('P-0100')).toBe('participant-P-0100_trends.csv');
    } finally {
      await core.close();
    }
  });
});
