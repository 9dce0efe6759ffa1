/**
 * Governance commands (issue 17): operators, participants with consent, deletion, retention, the audit trail.
 * Each goes through the core's handlers (CoreClient), so the app and the command line apply the same rules and
 * write the same audit entries.
 */
import { ApiError } from '../../../src-shared/errors.js';
import { CONSENT_SCOPES, type ConsentScopes, dateSchema, NO_SCOPES, OPERATOR_ROLES, type OperatorRole } from '../../../src-shared/governance.js';
import { participantCodeSchema } from '../../../src-shared/domain.js';
import type { Io } from './analyze-command.js';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { EXIT, UsageError } from './exit-codes.js';

export function parseScopes(list: string): ConsentScopes {
  const scopes = { ...NO_SCOPES };
  for (const raw of list.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (!(CONSENT_SCOPES as readonly string[]).includes(raw)) throw new UsageError(`--consent: "${raw}" is not one of ${CONSENT_SCOPES.join(', ')}`);
    scopes[raw as keyof ConsentScopes] = true;
  }
  return scopes;
}

export function parseDate(value: string, option: string): string {
  const r = dateSchema.safeParse(value);
  if (!r.success) throw new UsageError(`${option}: ${r.error.issues[0]?.message ?? 'not a date'} (${value})`);
  return r.data;
}

export function parseCode(value: string): string {
  const r = participantCodeSchema.safeParse(value);
  if (!r.success) throw new UsageError(`"${value}": ${r.error.issues[0]?.message ?? 'not a participant code'}`);
  return r.data;
}

export function parseRole(value: string | undefined): OperatorRole {
  if (!value || !(OPERATOR_ROLES as readonly string[]).includes(value)) throw new UsageError(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
  return value as OperatorRole;
}

const today = () => new Date().toISOString().slice(0, 10);

const scopeList = (s: ConsentScopes) => CONSENT_SCOPES.filter((k) => s[k]).join(',') || '-';

/** Turns a refusal from the core into a message and exit code 1; anything else is a bug and propagates. */
async function refusals(io: Io, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    io.err(`affect: ${e.message}`);
    return EXIT.failed;
  }
}

export async function listOperators(c: ContractClient, io: Io): Promise<number> {
  for (const o of await c.call('operators.list', {})) io.out([o.id, o.displayName, o.role].join('\t'));
  return EXIT.ok;
}

export async function addOperator(c: ContractClient, io: Io, name: string, role: OperatorRole): Promise<number> {
  return refusals(io, async () => {
    const o = await c.call('operators.create', { displayName: name, role });
    io.out(['ok', o.id, o.displayName, o.role].join('\t'));
    return EXIT.ok;
  });
}

/** id, code, consent status, scopes, consent version, retain-until, sessions. */
export async function listParticipants(c: ContractClient, io: Io): Promise<number> {
  for (const p of await c.call('participants.list', {})) {
    const status = p.consent.status === 'not_recorded' ? 'consent-not-recorded' : p.consent.status === 'withdrawn' ? 'consent-withdrawn' : 'consent-given';
    io.out([p.id, p.code, status, scopeList(p.consent.scopes), p.consent.version ?? '', p.consent.retainUntil ?? '', p.sessionCount].join('\t'));
  }
  return EXIT.ok;
}

export interface AddParticipant {
  code: string;
  scopes: ConsentScopes;
  takenOn?: string;
  formRef?: string;
  retainUntil?: string;
}

/** A new participant with consent taken outside the app, or new consent for an existing one. */
export async function addParticipant(c: ContractClient, io: Io, a: AddParticipant): Promise<number> {
  return refusals(io, async () => {
    const consent = { scopes: a.scopes, takenOn: a.takenOn ?? today(), formRef: a.formRef ?? '', retainUntil: a.retainUntil ?? null };
    const existing = (await c.call('participants.list', {})).find((p) => p.code.toLowerCase() === a.code.toLowerCase());
    const p = existing ? await c.call('consent.record', { participantId: existing.id, consent }) : await c.call('participants.create', { code: a.code, consent });
    io.out(['ok', p.id, p.code, existing ? 'consent-updated' : 'added', scopeList(p.consent.scopes), p.consent.version ?? '', p.consent.retainUntil ?? ''].join('\t'));
    return EXIT.ok;
  });
}

export async function withdrawConsent(c: ContractClient, io: Io, code: string, takenOn = today()): Promise<number> {
  return refusals(io, async () => {
    const p = (await c.call('participants.list', {})).find((x) => x.code.toLowerCase() === code.toLowerCase());
    if (!p) throw new ApiError('not_found', `no participant ${code}`);
    const after = await c.call('consent.withdraw', { participantId: p.id, takenOn });
    io.out(['ok', after.id, after.code, 'consent-withdrawn', after.consent.version ?? ''].join('\t'));
    return EXIT.ok;
  });
}

const describe = (d: { sessions: number; mediaFiles: number; analysisRuns: number; labelSegments: number; exportFolders: number }) =>
  `${d.sessions} session(s), ${d.mediaFiles} media file(s), ${d.analysisRuns} analysis run(s), ${d.labelSegments} label segment(s), ${d.exportFolders} export folder(s) in the data folder`;

export async function deleteParticipant(c: ContractClient, io: Io, code: string, yes: boolean): Promise<number> {
  return refusals(io, async () => {
    const p = (await c.call('participants.list', {})).find((x) => x.code.toLowerCase() === code.toLowerCase());
    if (!p) throw new ApiError('not_found', `no participant ${code}`);
    const preview = await c.call('participants.deletePreview', { participantId: p.id });
    if (!yes) throw new UsageError(`deleting participant ${p.code} removes ${describe(preview)} for good; add --yes to do it`);
    const done = await c.call('participants.delete', { participantId: p.id, confirmCode: p.code });
    io.out(['ok', 'participant', p.id, describe(done)].join('\t'));
    return EXIT.ok;
  });
}

export async function deleteSessions(c: ContractClient, io: Io, ids: number[], yes: boolean): Promise<number> {
  return refusals(io, async () => {
    const preview = await c.call('sessions.deletePreview', { sessionIds: ids });
    if (!yes) throw new UsageError(`deleting session(s) ${ids.join(', ')} removes ${describe(preview)} for good; add --yes to do it`);
    const done = await c.call('sessions.delete', { sessionIds: ids });
    io.out(['ok', 'sessions', done.sessionIds.join(','), describe(done)].join('\t'));
    return EXIT.ok;
  });
}

/** Lists sessions past retention; with `purge` (and --yes) deletes them. */
export async function retention(c: ContractClient, io: Io, purge: boolean, yes: boolean): Promise<number> {
  return refusals(io, async () => {
    const due = await c.call('retention.due', {});
    for (const r of due) io.out(['due', r.sessionId, r.participantCode, r.retainUntil].join('\t'));
    if (!purge) return EXIT.ok;
    if (!due.length) {
      io.err('affect: no session is past its retention date');
      return EXIT.ok;
    }
    if (!yes) throw new UsageError(`purging deletes the ${due.length} session(s) listed for good; add --yes to do it`);
    const done = await c.call('retention.purge', { sessionIds: due.map((r) => r.sessionId) });
    io.out(['ok', 'purged', done.sessionIds.join(','), describe(done)].join('\t'));
    return EXIT.ok;
  });
}

/** Exit 0 when the chain holds; 1 naming the first bad entry. */
export async function auditVerify(c: ContractClient, io: Io): Promise<number> {
  const r = await c.call('audit.verify', {});
  if (r.ok) {
    io.out(['ok', `${r.entries} entries`, r.headHash ?? ''].join('\t'));
    return EXIT.ok;
  }
  io.out(['failed', `entry ${r.problem?.entryId}`, r.problem?.message ?? ''].join('\t'));
  io.err(`affect: the audit trail does not verify: ${r.problem?.message}`);
  return EXIT.failed;
}

export async function auditExport(c: ContractClient, io: Io, outDir: string): Promise<number> {
  return refusals(io, async () => {
    const r = await c.call('audit.export', { outDir });
    io.out(['ok', r.file, `${r.entries} entries`].join('\t'));
    return EXIT.ok;
  });
}
