/**
 * Headless command line over the same core: `affect <command>`. Exit codes (also in USAGE): 0 ok,
 * 1 failure, 2 usage error, 3 data folder busy or unreadable, 130 interrupted.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AppCore } from './app-core.js';
import { analyzeClips, type Io } from './cli/analyze-command.js';
import { EXIT, UsageError } from './cli/exit-codes.js';
import { cliOperator } from './cli/cli-operator.js';
import type { ContractClient } from '../../src-shared/client/contract-client.js';
import { exportCommand } from './cli/export-command.js';
import {
  addOperator,
  addParticipant,
  auditExport,
  auditVerify,
  deleteParticipant,
  deleteSessions,
  listOperators,
  listParticipants,
  parseCode,
  parseDate,
  parseRole,
  parseScopes,
  retention,
  withdrawConsent,
} from './cli/governance-commands.js';
import { resolveDataDir } from './config/app-config.js';
import { encryptCommand, FOLDER_OPTIONS, openFolder } from './cli/open-folder.js';
import type { ProviderPreference } from './inference/providers.js';
import { hardenProcess } from './security/process-hardening.js';
import { directClient } from './rpc/direct-client.js';
import { APP_VERSION } from './version.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

const USAGE = `Usage: affect <command> [options]

Commands:
  operators                     list operator profiles (id, name, role)
  operators add NAME --role R   add a profile; R is clinician, researcher or admin
  participants                  list participants (id, code, consent status, what it covers, consent
                                version, retain-until date, sessions)
  participants add CODE --consent SCOPES [--retain-until DATE] [--form REF] [--consent-date DATE]
                                record a participant with consent taken outside the app (SCOPES: a comma
                                list of video, audio, analysis, research); for an existing code, records
                                a new consent version
  participants withdraw CODE [--date DATE]
                                record that the participant withdrew consent
  participants delete CODE --yes
                                delete the participant and all of their sessions, media, analyses and
                                labels for good
  sessions                      list sessions (id, participant, protocol, status, duration)
  sessions delete ID… --yes     delete sessions (media, analyses, labels) for good
  analyze <clip…> --participant CODE [--out DIR] [--provider P] [--bom] [--overwrite]
                                import each clip (mp4, mov, webm, mkv, avi) as a new session of the
                                existing participant CODE (whose consent must cover analysis and research
                                use), analyse face and voice, and write <session>_timeline.csv and
                                <session>_summary.csv to DIR (default: the current folder)
  export <session-id…|--all> --out DIR [--run RUN-ID] [--bom] [--overwrite] [--deidentify [--key-file FILE] [--shift-dates]]
                                write the CSVs of the sessions' newest complete analysis runs (or of
                                run RUN-ID for a single session); with several sessions or --all also
                                sessions_summary.csv (one row per session). --deidentify: pseudonyms
                                instead of codes and ids, no notes, names or file names, dates dropped
                                (or shifted with --shift-dates); --key-file keeps the mapping in FILE
  retention [purge --yes]       list sessions past their participant's retention date; purge deletes them
  audit verify                  check the audit trail's hash chain (exit 1 naming the first bad entry)
  audit export --out DIR        write the audit trail to DIR/audit_log.csv
  encrypt                       encrypt an unencrypted data folder in place (asks for a new passphrase,
                                prints the recovery key once on stderr); run again to finish an
                                interrupted run
  version                       print the version

Options:
  --data-dir DIR                data folder (default: the application's; it must not be open in the app)
  --operator NAME|ID            the operator profile acting (default: the one last chosen on this machine);
                                every change is recorded in the audit trail under it
  --passphrase-file FILE        the data folder's passphrase, in a file only you can read (chmod 600);
                                also AFFECT_PASSPHRASE_FILE. Without either, it is asked on the terminal.
                                Never give a passphrase as an argument: other users can see arguments.
  --no-encryption               create a new data folder without encryption (the default is encrypted)
  --provider P                  auto (default), cpu, cuda, dml, coreml or webgpu
  --bom                         start CSV files with a UTF-8 byte-order mark (Excel)
  --overwrite                   replace CSV files of the same name in DIR (default: keep them and
                                write the new file as NAME-2.csv, NAME-3.csv, …)

Output: one tab-separated line per item on stdout, messages and progress on stderr.
  analyze: ok|failed <TAB> clip <TAB> session-id <TAB> run-id <TAB> timeline.csv <TAB> summary.csv <TAB> message
  export:  ok|failed <TAB> session-id <TAB> run-id <TAB> timeline.csv <TAB> summary.csv [<TAB> message]
           summary <TAB> <TAB> <TAB> sessions_summary.csv
           key <TAB> <TAB> <TAB> key-file

Exit codes:
  0    everything asked for was done
  1    at least one clip or session failed (the others were done; see stderr), nothing to export, a
       request refused (consent, busy session), or the audit trail does not verify
  2    usage error (also: a deletion without --yes, or no operator profile chosen)
  3    the data folder is in use by another Affect Studio, or cannot be opened (also: encrypted and
       no passphrase, or a wrong one)
  130  interrupted (Ctrl-C): the running analysis was marked incomplete and can be resumed in the app`;


const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

type FolderValues = { 'data-dir'?: string; 'passphrase-file'?: string; 'no-encryption'?: boolean };

/** Opens the data folder, clear or encrypted (cli/open-folder.ts says how the passphrase is found). */
function openCore(io: Io, values: FolderValues, provider?: ProviderPreference): Promise<AppCore | number> {
  return openFolder(io, { dataDir: values['data-dir'] ?? resolveDataDir(), provider, passphraseFile: values['passphrase-file'], noEncryption: values['no-encryption'] });
}

/** Runs an argument parse, turning its complaint into a usage error. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

const COMMON = { ...FOLDER_OPTIONS, operator: { type: 'string' } } as const;

/**
 * Opens the core, resolves the operator profile (unless the command needs none) and runs `fn` with a client
 * that carries it; closes the core however `fn` ends.
 */
async function withClient(io: Io, values: FolderValues & { operator?: string }, fn: (c: ContractClient) => Promise<number>, opts: { operator?: boolean; provider?: ProviderPreference } = {}): Promise<number> {
  const core = await openCore(io, values, opts.provider);
  if (typeof core === 'number') return core;
  try {
    let operatorId: number | undefined;
    if (opts.operator !== false) {
      const op = cliOperator(core, values.operator);
      if ('error' in op) throw new UsageError(op.error);
      operatorId = op.id;
    }
    // The in-process client: the same contract, handlers and audit entries as a click in the app, under the profile.
    return await fn(directClient(core, { clientId: 'affect-cli', operatorId }));
  } finally {
    await core.close();
  }
}

async function analyze(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, provider: { type: 'string' }, participant: { type: 'string' }, bom: { type: 'boolean' }, overwrite: { type: 'boolean' }, ...COMMON },
    }),
  );
  if (!positionals.length) throw new UsageError('analyze needs at least one clip');
  if (!values.participant) throw new UsageError('analyze needs --participant CODE (an existing participant whose consent covers analysis and research use)');
  const participant = parseCode(values.participant);
  const provider = values.provider ?? 'auto';
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
  return withClient(
    io,
    values,
    async (c) => {
      const interrupted: { requested: boolean; onRequest?: () => void } = { requested: false };
      const onSignal = (): void => {
        interrupted.requested = true;
        io.err('affect: interrupted; stopping the running analysis (it stays resumable)');
        interrupted.onRequest?.();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        return await analyzeClips(c, { clips: positionals, outDir: path.resolve(values.out ?? '.'), participant, bom: values.bom === true, overwrite: values.overwrite === true, progress: true }, io, interrupted);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
    { provider: provider as ProviderPreference },
  );
}

async function exportCsv(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        all: { type: 'boolean' },
        run: { type: 'string' },
        bom: { type: 'boolean' },
        overwrite: { type: 'boolean' },
        deidentify: { type: 'boolean' },
        'key-file': { type: 'string' },
        'shift-dates': { type: 'boolean' },
        ...COMMON,
      },
    }),
  );
  if (!values.out) throw new UsageError('export needs --out DIR');
  if (values.all && positionals.length) throw new UsageError('give session ids or --all, not both');
  if (!values.all && !positionals.length) throw new UsageError('export needs session ids or --all');
  if (!values.deidentify && (values['key-file'] !== undefined || values['shift-dates'])) throw new UsageError('--key-file and --shift-dates go with --deidentify');
  const ids = positionals.map(sessionId);
  let runId: number | undefined;
  if (values.run !== undefined) {
    if (!/^[1-9][0-9]*$/.test(values.run)) throw new UsageError('--run needs a run id');
    if (ids.length !== 1) throw new UsageError('--run can only be used with one session id');
    runId = Number(values.run);
  }
  const deidentify = values.deidentify
    ? { dates: values['shift-dates'] ? ('shift' as const) : ('drop' as const), keyFile: values['key-file'] === undefined ? undefined : path.resolve(values['key-file']) }
    : undefined;
  return withClient(io, values, (c) =>
    exportCommand(c, { sessionIds: values.all ? 'all' : ids, outDir: path.resolve(values.out!), runId, bom: values.bom === true, overwrite: values.overwrite === true, deidentify }, io),
  );
}

function sessionId(p: string): number {
  if (!/^[1-9][0-9]*$/.test(p)) throw new UsageError(`"${p}" is not a session id`);
  return Number(p);
}

async function operatorsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, allowPositionals: true, strict: true, options: { role: { type: 'string' }, ...COMMON } }));
  const [sub, name, ...rest] = positionals;
  if (sub === undefined) return withClient(io, values, (c) => listOperators(c, io), { operator: false });
  if (sub !== 'add' || !name || rest.length) throw new UsageError('use: affect operators [add NAME --role ROLE]');
  const role = parseRole(values.role);
  return withClient(io, values, (c) => addOperator(c, io, name, role), { operator: values.operator !== undefined });
}

async function participantsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        consent: { type: 'string' },
        'retain-until': { type: 'string' },
        form: { type: 'string' },
        'consent-date': { type: 'string' },
        date: { type: 'string' },
        yes: { type: 'boolean' },
        ...COMMON,
      },
    }),
  );
  const [sub, code, ...rest] = positionals;
  if (sub === undefined) return withClient(io, values, (c) => listParticipants(c, io), { operator: false });
  if (!code || rest.length) throw new UsageError(`use: affect participants ${sub ?? ''} CODE`);
  const pcode = parseCode(code);
  if (sub === 'add') {
    if (values.consent === undefined) throw new UsageError('participants add needs --consent with what was agreed (video,audio,analysis,research)');
    const a = {
      code: pcode,
      scopes: parseScopes(values.consent),
      retainUntil: values['retain-until'] === undefined ? undefined : parseDate(values['retain-until'], '--retain-until'),
      takenOn: values['consent-date'] === undefined ? undefined : parseDate(values['consent-date'], '--consent-date'),
      formRef: values.form,
    };
    return withClient(io, values, (c) => addParticipant(c, io, a));
  }
  if (sub === 'withdraw') {
    const date = values.date === undefined ? undefined : parseDate(values.date, '--date');
    return withClient(io, values, (c) => withdrawConsent(c, io, pcode, date));
  }
  if (sub === 'delete') return withClient(io, values, (c) => deleteParticipant(c, io, pcode, values.yes === true));
  throw new UsageError(`unknown participants command "${sub}"`);
}

async function sessionsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, allowPositionals: true, strict: true, options: { yes: { type: 'boolean' }, ...COMMON } }));
  const [sub, ...ids] = positionals;
  if (sub === undefined) {
    return withClient(
      io,
      values,
      async (c) => {
        for (const s of await c.call('sessions.list', {})) {
          const dur = s.durationMs === null ? '-' : (s.durationMs / 1000).toFixed(1) + 's';
          io.out([s.id, s.participantCode, s.protocol, s.status, dur].join('\t'));
        }
        return EXIT.ok;
      },
      { operator: false },
    );
  }
  if (sub !== 'delete' || !ids.length) throw new UsageError('use: affect sessions [delete ID… --yes]');
  const list = ids.map(sessionId);
  return withClient(io, values, (c) => deleteSessions(c, io, list, values.yes === true));
}

async function retentionCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, allowPositionals: true, strict: true, options: { yes: { type: 'boolean' }, ...COMMON } }));
  const [sub, ...rest] = positionals;
  if ((sub !== undefined && sub !== 'purge') || rest.length) throw new UsageError('use: affect retention [purge --yes]');
  return withClient(io, values, (c) => retention(c, io, sub === 'purge', values.yes === true), { operator: sub === 'purge' || values.operator !== undefined });
}

async function auditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, ...COMMON } }));
  const [sub, ...rest] = positionals;
  if (rest.length) throw new UsageError('use: affect audit verify | affect audit export --out DIR');
  if (sub === 'verify') return withClient(io, values, (c) => auditVerify(c, io));
  if (sub === 'export') {
    if (!values.out) throw new UsageError('audit export needs --out DIR');
    const out = path.resolve(values.out);
    return withClient(io, values, (c) => auditExport(c, io, out));
  }
  throw new UsageError('use: affect audit verify | affect audit export --out DIR');
}

async function encrypt(args: string[], io: Io): Promise<number> {
  const { values } = usage(() => parseArgs({ args, allowPositionals: false, strict: true, options: { ...FOLDER_OPTIONS } }));
  return encryptCommand(io, { dataDir: values['data-dir'] ?? resolveDataDir(), passphraseFile: values['passphrase-file'] });
}

/** Runs one command; `io` receives stdout and stderr lines (tests capture them). */
export async function runCli(args: string[], io: Io = stdio): Promise<number> {
  if (args.some((a) => a === '--passphrase' || a.startsWith('--passphrase='))) {
    io.err('affect: a passphrase is never given as an argument (other users can read command lines); use --passphrase-file FILE or AFFECT_PASSPHRASE_FILE, or let affect ask');
    return EXIT.usage;
  }
  try {
    return await runCommand(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`affect: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  analyze,
  export: exportCsv,
  operators: operatorsCommand,
  participants: participantsCommand,
  sessions: sessionsCommand,
  retention: retentionCommand,
  audit: auditCommand,
  encrypt,
};

async function runCommand(args: string[], io: Io): Promise<number> {
  const [command] = args;
  if (command && Object.prototype.hasOwnProperty.call(COMMANDS, command)) return COMMANDS[command](args.slice(1), io);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'version' || command === '--version') {
    console.log(APP_VERSION);
    return 0;
  }
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 2;
}

const invokedDirectly = process.argv[1] && /cli\.(js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  hardenProcess();
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`affect: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
