import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Segment } from '../../../src-shared/labels/segments.js';
import { createSegment, invertChangeset, splitSegment } from '../../../src-shared/labels/segments.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import type { Call } from '../../../src-shared/client/contract-client.js';
import { LABELS_CSV_COLUMNS } from '../labels/labels-csv.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';
import { ALL_SCOPES, consentedParticipant, operatorCtx } from '../test-support/governance.js';

let core: AppCore;
let dataDir: string;

/** Requests go through the contract, as from the app (src-main/core/rpc/direct-client.ts), as the test's operator. */
const call: Call = (method, input) => directClient(core, operatorCtx(core)).call(method, input);

async function refused(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

let n = 0;
const newId = () => `seg-${++n}`;
const plain = (s: Segment): Segment => ({ id: s.id, startMs: s.startMs, endMs: s.endMs, label: s.label, note: s.note });

async function newSession(code = 'P01', protocol = 'Interview'): Promise<number> {
  const p = (await call('participants.list', {})).find((x) => x.code === code) ?? (await call('participants.create', { code, consent: { scopes: ALL_SCOPES, takenOn: '2026-01-01' } }));
  return (await call('sessions.create', { participantId: p.id, protocol })).id;
}

beforeEach(async () => {
  dataDir = tempDir();
  core = await createCore({ dataDir });
});
afterEach(async () => {
  await core.close();
});

describe('label tiers and segments', () => {
  it('starts with the eight emotions plus "unclear" and saves each edit before replying (a crash loses nothing)', async () => {
    const sessionId = await newSession();
    const { vocabulary, tiers } = await call('labels.get', { sessionId });
    expect(vocabulary).toEqual(['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry', 'contempt', 'unclear']);
    expect(tiers).toEqual([]);
    const tier = await call('labels.addTier', { sessionId, rater: 'Rater A' });
    const cs = createSegment([], { inMs: 1000, outMs: 2500 }, 'happy', newId, 'smiles');
    await call('labels.apply', { tierId: tier.id, action: 'create', changeset: cs });

    // Another connection to the file, as after a crash of this process: the segment is already there.
    const other = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const rows = other.prepare('SELECT uid, start_ms, end_ms, label, note FROM label_segment').all();
    other.close();
    expect(rows).toEqual([{ uid: cs.add[0].id, start_ms: 1000, end_ms: 2500, label: 'happy', note: 'smiles' }]);
  });

  it('refuses overlapping segments on one tier and leaves it unchanged; another rater’s tier may overlap', async () => {
    const sessionId = await newSession();
    const a = await call('labels.addTier', { sessionId, rater: 'A' });
    const b = await call('labels.addTier', { sessionId, rater: 'B' });
    await call('labels.apply', { tierId: a.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 2000 }, 'sad', newId) });
    await refused(
      call('labels.apply', { tierId: a.id, action: 'create', changeset: { remove: [], add: [{ id: newId(), startMs: 1500, endMs: 3000, label: 'happy', note: '' }] } }),
      'conflict',
      /overlap "sad" 0:00\.000–0:02\.000/,
    );
    expect((await call('labels.get', { sessionId })).tiers.find((t) => t.id === a.id)?.segments).toHaveLength(1);
    await call('labels.apply', { tierId: b.id, action: 'create', changeset: createSegment([], { inMs: 1500, outMs: 3000 }, 'happy', newId) });
    await refused(call('labels.addTier', { sessionId, rater: 'a' }), 'conflict', /already has a tier for rater "A"/);
  });

  it('refuses labels outside the vocabulary and edits based on a stale copy', async () => {
    const sessionId = await newSession();
    const t = await call('labels.addTier', { sessionId, rater: 'A' });
    await refused(
      call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 10 }, 'bored', newId) }),
      'invalid_input',
      /not in the project's label vocabulary/,
    );
    const created = await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 1000 }, 'sad', newId) });
    const seen = plain(created.segments[0]);
    await call('labels.apply', { tierId: t.id, action: 'relabel', changeset: { remove: [seen], add: [{ ...seen, label: 'angry' }] } });
    await refused(
      call('labels.apply', { tierId: t.id, action: 'note', changeset: { remove: [seen], add: [{ ...seen, note: 'x' }] } }),
      'conflict',
      /changed elsewhere/,
    );
  });

  it('undoes a split by applying its inverse, keeps created_at, and audits every step by operator id without label text', async () => {
    const sessionId = await newSession();
    const t = await call('labels.addTier', { sessionId, rater: 'A' });
    let tier = await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 4000 }, 'happy', newId) });
    const original = tier.segments[0];
    const split = splitSegment(tier.segments.map(plain), original.id, 1500, newId);
    tier = await call('labels.apply', { tierId: t.id, action: 'split', changeset: split });
    expect(tier.segments.map((s) => [s.startMs, s.endMs])).toEqual([[0, 1500], [1500, 4000]]);
    expect(tier.segments[0].createdAt).toBe(original.createdAt);
    tier = await call('labels.apply', { tierId: t.id, action: 'undo', changeset: invertChangeset(split) });
    expect(tier.segments.map(plain)).toEqual([plain(original)]);

    const audit = core.services.db.prepare("SELECT operator_id, action, session_id, detail FROM audit_log WHERE action LIKE 'label.%' ORDER BY id").all() as {
      operator_id: number;
      action: string;
      session_id: number;
      detail: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(['label.tier.add', 'label.apply', 'label.apply', 'label.apply']);
    expect(audit.every((a) => a.operator_id === operatorCtx(core).operatorId && a.session_id === sessionId)).toBe(true);
    expect(audit.slice(1).map((a) => JSON.parse(a.detail))).toEqual([
      { edit: 'create', removed: 0, added: 1 },
      { edit: 'split', removed: 1, added: 2 },
      { edit: 'undo', removed: 2, added: 1 },
    ]);
    expect(audit.some((a) => a.detail.includes('happy'))).toBe(false);
  });

  it('edits the vocabulary but keeps a label that segments still use', async () => {
    const sessionId = await newSession();
    const t = await call('labels.addTier', { sessionId, rater: 'A' });
    await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 10 }, 'sad', newId) });
    await refused(call('labels.setVocabulary', { items: ['happy', 'unclear'] }), 'conflict', /"sad" \(1 segment\)/);
    expect(await call('labels.setVocabulary', { items: ['sad', 'engaged', 'withdrawn'] })).toEqual(['sad', 'engaged', 'withdrawn']);
    await refused(call('labels.setVocabulary', { items: ['sad', 'Sad'] }), 'invalid_input', /listed twice/);
    expect((await call('labels.get', { sessionId })).vocabulary).toEqual(['sad', 'engaged', 'withdrawn']);
  });

  it('removes only an empty tier', async () => {
    const sessionId = await newSession();
    const t = await call('labels.addTier', { sessionId, rater: 'A' });
    await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 10 }, 'sad', newId) });
    await refused(call('labels.removeTier', { tierId: t.id }), 'conflict', /has 1 segment/);
    const empty = await call('labels.addTier', { sessionId, rater: 'B' });
    await call('labels.removeTier', { tierId: empty.id });
    expect((await call('labels.get', { sessionId })).tiers.map((x) => x.rater)).toEqual(['A']);
  });
});

describe('labels CSV export', () => {
  it('writes one RFC 4180 row per segment with quoting and the formula guard', async () => {
    const sessionId = await newSession('P-07', 'Screening, "short"');
    const t = await call('labels.addTier', { sessionId, rater: '=HYPERLINK("x")' });
    await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 61_000, outMs: 62_500 }, 'happy', newId, 'laughs,\nthen "stops"') });
    await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 500 }, 'unclear', newId, '@cmd') });
    const out = await call('labels.exportCsv', { sessionIds: [sessionId] });
    expect(out.fileName).toBe(`labels_session-${sessionId}.csv`);
    expect(out.rows).toBe(2);
    expect(out.csv.split('\r\n')[0]).toBe(LABELS_CSV_COLUMNS.join(','));
    const rows = parse(out.csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ session_id: String(sessionId), participant: 'P-07', protocol: 'Screening, "short"', rater: `'=HYPERLINK("x")`, start_ms: '0', end_ms: '500', label: 'unclear', note: "'@cmd" });
    expect(rows[1]).toMatchObject({ start_ms: '61000', end_ms: '62500', duration_ms: '1500', start_time: '1:01.000', end_time: '1:02.500', note: 'laughs,\nthen "stops"' });
  });
});

describe('agreement', () => {
  it('computes kappa rater vs rater on the 100 ms grid, pooled over sessions, naming sessions without a tier', async () => {
    const s1 = await newSession();
    const s2 = await newSession();
    const s3 = await newSession();
    const put = async (sessionId: number, rater: string, segs: [number, number, string][]) => {
      const t = await call('labels.addTier', { sessionId, rater });
      for (const [a, b, l] of segs) await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: a, outMs: b }, l, newId) });
    };
    // s1: 2000 ms both "happy" then 1000 ms A sad / B happy. s2: identical 1000 ms "sad".
    await put(s1, 'A', [[0, 2000, 'happy'], [2000, 3000, 'sad']]);
    await put(s1, 'B', [[0, 3000, 'happy']]);
    await put(s2, 'A', [[0, 1000, 'sad']]);
    await put(s2, 'B', [[0, 1000, 'sad']]);
    await put(s3, 'A', [[0, 1000, 'sad']]);
    const r = await call('labels.agreement', { sessionIds: [s1, s2, s3], a: { kind: 'rater', rater: 'A' }, b: { kind: 'rater', rater: 'B' } });
    const happy = r.categories.indexOf('happy');
    const sad = r.categories.indexOf('sad');
    expect(r.n).toBe(40);
    expect(r.matrix[happy][happy]).toBe(20);
    expect(r.matrix[sad][happy]).toBe(10);
    expect(r.matrix[sad][sad]).toBe(10);
    // pₒ = 30/40; A: happy 20, sad 20; B: happy 30, sad 10 → pₑ = (20·30 + 20·10)/1600 = 0.5 → κ = 0.5.
    expect(r.observed).toBeCloseTo(0.75, 12);
    expect(r.kappa).toBeCloseTo(0.5, 12);
    expect(r.perSession.map((p) => p.missing)).toEqual([null, null, 'no tier for rater "B"']);
    expect(r.perSession[1].kappa).toBeNull(); // one category only: undefined, not 1
  });

  it('compares a rater with the model on the fused grid of the analysis run', async () => {
    const seeded = await seedReviewSession(core.services.db, dataDir, { durationMs: 5000, video: false });
    const t = await call('labels.addTier', { sessionId: seeded.sessionId, rater: 'A' });
    // Model: happy on [0, 2000), no estimate on [2000, 3000), sad on [3000, 5000).
    for (const [a, b, l] of [[0, 1000, 'happy'], [1000, 2000, 'sad'], [2000, 4000, 'sad'], [4000, 5000, 'unclear']] as const) {
      await call('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: a, outMs: b }, l, newId) });
    }
    const r = await call('labels.agreement', { sessionIds: [seeded.sessionId], a: { kind: 'rater', rater: 'A' }, b: { kind: 'model' } });
    const i = (e: string) => r.categories.indexOf(e);
    expect(r.gridMs).toBe(100);
    expect(r.matrix[i('happy')][i('happy')]).toBe(10);
    expect(r.matrix[i('sad')][i('happy')]).toBe(10);
    expect(r.matrix[i('sad')][i('sad')]).toBe(10);
    expect(r.n).toBe(30);
    expect(r.skipped).toMatchObject({ modelUnreliable: 10, notModelClass: 10 });
    expect(r.kappa).toBeCloseTo((20 / 30 - (10 / 30) * (20 / 30) - (20 / 30) * (10 / 30)) / (1 - 4 / 9), 12);
  });
});

describe('bounds on label times and agreement work', () => {
  it('refuses a segment that ends after the session’s media and keeps the tier unchanged', async () => {
    const seeded = await seedReviewSession(core.services.db, dataDir, { video: false, durationMs: 10_000 });
    const tier = await call('labels.addTier', { sessionId: seeded.sessionId, rater: 'A' });
    const huge = { remove: [], add: [{ id: newId(), startMs: 0, endMs: 2 ** 40 - 1, label: 'happy', note: '' }] };
    await refused(call('labels.apply', { tierId: tier.id, action: 'create', changeset: huge }), 'invalid_input', /cannot end after the session \(11\.0 s\)/);
    expect((await call('labels.get', { sessionId: seeded.sessionId })).tiers[0].segments).toEqual([]);
    // A session without media yet still has a bound.
    const bare = await newSession('P02');
    const t2 = await call('labels.addTier', { sessionId: bare, rater: 'A' });
    await refused(call('labels.apply', { tierId: t2.id, action: 'create', changeset: huge }), 'invalid_input', /cannot end after the session/);
  });

  it('compares segments stored with ends near 2^40 ms within the session only, promptly', async () => {
    const seeded = await seedReviewSession(core.services.db, dataDir, { video: false, durationMs: 10_000 });
    // Written straight to the store, as data from before the bounds (or another tool) could be.
    for (const rater of ['A', 'B']) {
      const t = core.services.labels.addTier(seeded.sessionId, rater);
      core.services.labels.applyInTransaction(t.id, { remove: [], add: [{ id: `${rater}-1`, startMs: 0, endMs: 2 ** 40, label: 'happy', note: '' }] });
    }
    const started = performance.now();
    const r = await call('labels.agreement', { sessionIds: [seeded.sessionId], a: { kind: 'rater', rater: 'A' }, b: { kind: 'rater', rater: 'B' }, gridMs: 10 });
    expect(r.n).toBe(1100); // 0 … 10 990 ms: the 10 s media plus 1 s slack, every 10 ms
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('refuses an agreement request that would compare more than its share of grid instants', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await newSession(`Q${i}`);
      ids.push(id);
      for (const rater of ['A', 'B']) {
        const t = core.services.labels.addTier(id, rater);
        core.services.labels.applyInTransaction(t.id, { remove: [], add: [{ id: `${rater}-${i}`, startMs: 0, endMs: 40 * 3600_000, label: 'sad', note: '' }] });
      }
    }
    await refused(call('labels.agreement', { sessionIds: ids, a: { kind: 'rater', rater: 'A' }, b: { kind: 'rater', rater: 'B' }, gridMs: 10 }), 'invalid_input', /Too much labelled time/);
  });
});
