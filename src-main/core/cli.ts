/**
 * Headless command line over the same core: `affect <command>`. Exit codes (also in USAGE): 0 ok,
 * 1 failure, 2 usage error, 3 data folder busy or unreadable, 130 interrupted.
 */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type AppCore, createCore } from './app-core.js';
import { modelChoiceProblem } from './analysis/model-choice.js';
import { analyzeClips, type Io } from './cli/analyze-command.js';
import { EXIT, UsageError } from './cli/exit-codes.js';
import { cliOperator } from './cli/cli-operator.js';
import type { ContractClient } from '../../src-shared/client/contract-client.js';
import { exportCommand } from './cli/export-command.js';
import { ct, systemLocale } from './cli/cli-language.js';
import { reportCommand } from './cli/report-command.js';
import { isLocale, LOCALES, type Locale } from '../../src-shared/i18n/i18n.js';
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
import { workerCommand } from './cli/worker-command.js';
import { batchRetry, batchStatus, batchSubmit, type ConnectOptions, connectInput, expandClips, jobIds } from './cli/batch-command.js';
import { QUEUE_OPTIONS } from './cli/queue-options.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

/** The usage text, in the system's language (src-shared/i18n/locales: cli.usage). */
const usageText = (): string => ct('cli.usage');


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

/** A command's arguments: positionals, its own options and the common ones; a complaint is a usage error. */
function parseCommand<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return usage(() => parseArgs({ args, allowPositionals: true, strict: true, options: { ...options, ...COMMON } }));
}

/**
 * Opens the core, resolves the operator profile (unless the command needs none) and runs `fn` with a client
 * that carries it; closes the core however `fn` ends.
 */
async function withClient(
  io: Io,
  values: FolderValues & { operator?: string },
  fn: (c: ContractClient) => Promise<number>,
  opts: { operator?: boolean; provider?: ProviderPreference; warmModels?: readonly string[] } = {},
): Promise<number> {
  const core = await openCore(io, values, opts.provider);
  if (typeof core === 'number') return core;
  // The analysis models load while the first clip is checked and imported (ffmpeg subprocesses, mostly waiting)
  // rather than after; the run then finds them loaded. A failure here is the run's to report.
  if (opts.warmModels) core.services.analysis.stages.available(new Set(['video', 'audio']), opts.warmModels).catch(() => undefined);
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
  const { values, positionals } = parseCommand(args, { out: { type: 'string' }, provider: { type: 'string' }, participant: { type: 'string' }, model: { type: 'string', multiple: true }, bom: { type: 'boolean' }, overwrite: { type: 'boolean' }, 'no-mesh': { type: 'boolean' }, landmarks: { type: 'boolean' } });
  if (!positionals.length) throw new UsageError(ct('cli.analyzeNeedsClip'));
  if (values['no-mesh'] === true && values.landmarks === true) throw new UsageError(ct('cli.landmarksNeedMesh'));
  if (!values.participant) throw new UsageError(ct('cli.analyzeNeedsParticipant'));
  const participant = parseCode(values.participant);
  const provider = values.provider ?? 'auto';
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new UsageError(ct('cli.providerOneOf', { list: PROVIDERS.join(', ') }));
  const models = values.model ?? [];
  const modelProblem = models.length ? modelChoiceProblem(models) : null;
  if (modelProblem) throw new UsageError(ct('cli.modelProblem', { problem: ct(modelProblem.key, modelProblem.vars) }));
  return withClient(
    io,
    values,
    async (c) => {
      const interrupted: { requested: boolean; onRequest?: () => void } = { requested: false };
      const onSignal = (): void => {
        interrupted.requested = true;
        io.err(`affect: ${ct('cli.interrupted')}`);
        interrupted.onRequest?.();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        return await analyzeClips(c, { clips: positionals, outDir: path.resolve(values.out ?? '.'), participant, models, bom: values.bom === true, overwrite: values.overwrite === true, mesh: values['no-mesh'] !== true, landmarks: values.landmarks === true, progress: true }, io, interrupted);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
    { provider: provider as ProviderPreference, warmModels: models },
  );
}

async function exportCsv(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    out: { type: 'string' },
    all: { type: 'boolean' },
    run: { type: 'string' },
    bom: { type: 'boolean' },
    overwrite: { type: 'boolean' },
    landmarks: { type: 'boolean' },
    deidentify: { type: 'boolean' },
    'key-file': { type: 'string' },
    'shift-dates': { type: 'boolean' },
  });
  if (!values.out) throw new UsageError(ct('cli.exportNeedsOut'));
  if (values.all && positionals.length) throw new UsageError(ct('cli.idsOrAll'));
  if (!values.all && !positionals.length) throw new UsageError(ct('cli.exportNeedsIds'));
  if (!values.deidentify && (values['key-file'] !== undefined || values['shift-dates'])) throw new UsageError(ct('cli.deidentifyOptions'));
  const ids = positionals.map(sessionId);
  const runId = runOption(values.run, ids);
  const deidentify = values.deidentify
    ? { dates: values['shift-dates'] ? ('shift' as const) : ('drop' as const), keyFile: values['key-file'] === undefined ? undefined : path.resolve(values['key-file']) }
    : undefined;
  return withClient(io, values, (c) =>
    exportCommand(c, { sessionIds: values.all ? 'all' : ids, outDir: path.resolve(values.out!), runId, bom: values.bom === true, overwrite: values.overwrite === true, landmarks: values.landmarks === true, deidentify }, io),
  );
}

function sessionId(p: string): number {
  if (!/^[1-9][0-9]*$/.test(p)) throw new UsageError(ct('cli.notSessionId', { value: p }));
  return Number(p);
}

/** --run RUN-ID, only with a single session. */
function runOption(run: string | undefined, ids: number[]): number | undefined {
  if (run === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(run)) throw new UsageError(ct('cli.runNeedsId'));
  if (ids.length !== 1) throw new UsageError(ct('cli.runOneSession'));
  return Number(run);
}

/** --lang en|zh-CN; default: the system's language. */
function langOption(lang: string | undefined): Locale {
  if (lang === undefined) return systemLocale();
  if (!isLocale(lang)) throw new UsageError(ct('cli.langOneOf', { list: LOCALES.join(', ') }));
  return lang;
}

async function report(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { out: { type: 'string' }, lang: { type: 'string' }, run: { type: 'string' } });
  if (!values.out) throw new UsageError(ct('cli.reportNeedsOut'));
  if (!positionals.length) throw new UsageError(ct('cli.reportNeedsIds'));
  const ids = positionals.map(sessionId);
  const runId = runOption(values.run, ids);
  const locale = langOption(values.lang);
  const outDir = path.resolve(values.out);
  return withClient(io, values, (c) => reportCommand(c, { sessionIds: ids, outDir, locale, runId }, io));
}

async function operatorsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { role: { type: 'string' } });
  const [sub, name, ...rest] = positionals;
  if (sub === undefined) return withClient(io, values, (c) => listOperators(c, io), { operator: false });
  if (sub !== 'add' || !name || rest.length) throw new UsageError(ct('cli.syntax.operators'));
  const role = parseRole(values.role);
  return withClient(io, values, (c) => addOperator(c, io, name, role), { operator: values.operator !== undefined });
}

async function participantsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    consent: { type: 'string' },
    'retain-until': { type: 'string' },
    form: { type: 'string' },
    'consent-date': { type: 'string' },
    date: { type: 'string' },
    yes: { type: 'boolean' },
  });
  const [sub, code, ...rest] = positionals;
  if (sub === undefined) return withClient(io, values, (c) => listParticipants(c, io), { operator: false });
  if (!code || rest.length) throw new UsageError(ct('cli.syntax.participant', { sub: sub ?? '' }));
  const pcode = parseCode(code);
  if (sub === 'add') {
    if (values.consent === undefined) throw new UsageError(ct('cli.addNeedsConsent'));
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
  throw new UsageError(ct('cli.unknownParticipants', { sub }));
}

async function sessionsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { yes: { type: 'boolean' } });
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
  if (sub !== 'delete' || !ids.length) throw new UsageError(ct('cli.syntax.sessions'));
  const list = ids.map(sessionId);
  return withClient(io, values, (c) => deleteSessions(c, io, list, values.yes === true));
}

async function retentionCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { yes: { type: 'boolean' } });
  const [sub, ...rest] = positionals;
  if ((sub !== undefined && sub !== 'purge') || rest.length) throw new UsageError(ct('cli.syntax.retention'));
  return withClient(io, values, (c) => retention(c, io, sub === 'purge', values.yes === true), { operator: sub === 'purge' || values.operator !== undefined });
}

async function auditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { out: { type: 'string' } });
  const [sub, ...rest] = positionals;
  if (rest.length) throw new UsageError(ct('cli.syntax.audit'));
  if (sub === 'verify') return withClient(io, values, (c) => auditVerify(c, io));
  if (sub === 'export') {
    if (!values.out) throw new UsageError(ct('cli.auditExportNeedsOut'));
    const out = path.resolve(values.out);
    return withClient(io, values, (c) => auditExport(c, io, out));
  }
  throw new UsageError(ct('cli.syntax.audit'));
}

async function encrypt(args: string[], io: Io): Promise<number> {
  const { values } = usage(() => parseArgs({ args, allowPositionals: false, strict: true, options: { ...FOLDER_OPTIONS } }));
  return encryptCommand(io, { dataDir: values['data-dir'] ?? resolveDataDir(), passphraseFile: values['passphrase-file'] });
}

/** Runs one command; `io` receives stdout and stderr lines (tests capture them). */
export async function runCli(args: string[], io: Io = stdio): Promise<number> {
  if (args.some((a) => a === '--passphrase' || a.startsWith('--passphrase='))) {
    io.err(`affect: ${ct('cli.passphraseArgument')}`);
    return EXIT.usage;
  }
  try {
    return await runCommand(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`affect: ${e.message}\n\n${usageText()}`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function worker(args: string[], io: Io): Promise<number> {
  return workerCommand(args, io, PROVIDERS, usage);
}

async function batch(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    ...QUEUE_OPTIONS,
    participant: { type: 'string' },
    protocol: { type: 'string' },
    'no-wait': { type: 'boolean' },
    'no-collect': { type: 'boolean' },
    failed: { type: 'boolean' },
    'inline-max-mb': { type: 'string' },
    attempts: { type: 'string' },
    'backoff-ms': { type: 'string' },
    lang: { type: 'string' },
  });
  if (sub !== 'submit' && sub !== 'status' && sub !== 'retry') throw new UsageError(ct('cli.batchUse'));
  const connectWith = connectInput(values as ConnectOptions, io);
  const locale = langOption(values.lang);
  if (sub === 'submit') {
    if (!positionals.length) throw new UsageError(ct('cli.batchNeedsClips'));
    if (!values.participant) throw new UsageError(ct('cli.batchNeedsParticipant'));
    const participant = parseCode(values.participant);
    const protocol = (values.protocol ?? 'import').trim();
    if (!protocol || protocol.length > 200) throw new UsageError(ct('cli.protocolLength'));
    const clips = expandClips(positionals);
    if (!clips.length) throw new UsageError(ct('cli.noClipsFound'));
    return withClient(io, values, async (c) => {
      const interrupted = { requested: false };
      const onSignal = (): void => {
        interrupted.requested = true;
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        return await batchSubmit(c, connectWith, { clips, participant, protocol, wait: values['no-wait'] !== true, locale }, io, interrupted);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  }
  if (sub === 'status') {
    if (positionals.length) throw new UsageError(ct('cli.batchStatusNoArgs'));
    const collect = values['no-collect'] !== true;
    return withClient(io, values, (c) => batchStatus(c, connectWith, collect, io, locale), { operator: collect || values.operator !== undefined });
  }
  if (values.failed === (positionals.length > 0)) throw new UsageError(ct('cli.batchRetryArgs'));
  const ids = values.failed ? ('failed' as const) : jobIds(positionals);
  return withClient(io, values, (c) => batchRetry(c, connectWith, ids, io, locale));
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  worker,
  batch,
  analyze,
  export: exportCsv,
  report,
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
    console.log(usageText());
    return command ? 0 : 2;
  }
  if (command === 'version' || command === '--version') {
    console.log(APP_VERSION);
    return 0;
  }
  console.error(`${ct('cli.unknownCommand', { command })}\n\n${usageText()}`);
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
