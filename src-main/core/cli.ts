/**
 * Headless command line over the same core: `affect <command>`. Exit codes (also in USAGE): 0 ok,
 * 1 failure, 2 usage error, 3 data folder busy or unreadable, 130 interrupted.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type AppCore, createCore } from './app-core.js';
import { analyzeClips, type Io } from './cli/analyze-command.js';
import { EXIT, UsageError } from './cli/exit-codes.js';
import { exportCommand } from './cli/export-command.js';
import { ct, systemLocale } from './cli/cli-language.js';
import { reportCommand } from './cli/report-command.js';
import { isLocale, LOCALES, type Locale } from '../../src-shared/i18n/i18n.js';
import { resolveDataDir } from './config/app-config.js';
import { DataFolderBusyError } from './config/data-lock.js';
import type { ProviderPreference } from './inference/providers.js';
import { directClient } from './rpc/direct-client.js';
import { APP_VERSION } from './version.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

/** The usage text, in the system's language (src-shared/i18n/locales: cli.usage). */
const usageText = (): string => ct('cli.usage');

/** The CLI's requests name it as the caller, and its audit entries as the actor. */
const CLI_CALLER = { clientId: 'affect-cli', actor: 'affect-cli' };

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

async function openCore(io: Io, dataDir: string | undefined, provider?: ProviderPreference): Promise<AppCore | number> {
  try {
    return await createCore({ dataDir: dataDir ?? resolveDataDir(), provider });
  } catch (e) {
    const why = e instanceof DataFolderBusyError ? ct('cli.folderBusy', { message: e.message }) : ct('cli.cannotOpen', { error: e instanceof Error ? e.message : String(e) });
    io.err(`affect: ${why}`);
    return EXIT.dataFolder;
  }
}

/** Runs an argument parse, turning its complaint into a usage error. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

async function analyze(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, provider: { type: 'string' }, participant: { type: 'string' }, bom: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    }),
  );
  if (!positionals.length) throw new UsageError(ct('cli.analyzeNeedsClip'));
  const provider = values.provider ?? 'auto';
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new UsageError(ct('cli.providerOneOf', { list: PROVIDERS.join(', ') }));
  const core = await openCore(io, values['data-dir'], provider as ProviderPreference);
  if (typeof core === 'number') return core;
  const interrupted: { requested: boolean; onRequest?: () => void } = { requested: false };
  const onSignal = (): void => {
    interrupted.requested = true;
    io.err(`affect: ${ct('cli.interrupted')}`);
    interrupted.onRequest?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await analyzeClips(
      directClient(core, CLI_CALLER),
      {
        clips: positionals,
        outDir: path.resolve(values.out ?? '.'),
        participant: values.participant ?? 'imports',
        bom: values.bom === true,
        progress: true,
      },
      io,
      interrupted,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await core.close();
  }
}

async function exportCsv(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, all: { type: 'boolean' }, run: { type: 'string' }, bom: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    }),
  );
  if (!values.out) throw new UsageError(ct('cli.exportNeedsOut'));
  if (values.all && positionals.length) throw new UsageError(ct('cli.idsOrAll'));
  if (!values.all && !positionals.length) throw new UsageError(ct('cli.exportNeedsIds'));
  const ids = sessionIds(positionals);
  const runId = runOption(values.run, ids);
  const core = await openCore(io, values['data-dir']);
  if (typeof core === 'number') return core;
  try {
    return await exportCommand(directClient(core, CLI_CALLER), { sessionIds: values.all ? 'all' : ids, outDir: path.resolve(values.out), runId, bom: values.bom === true }, io);
  } finally {
    await core.close();
  }
}

/** Session ids from the command line; anything else is a usage error. */
function sessionIds(positionals: string[]): number[] {
  return positionals.map((p) => {
    if (!/^[1-9][0-9]*$/.test(p)) throw new UsageError(ct('cli.notSessionId', { value: p }));
    return Number(p);
  });
}

/** --run RUN-ID, only with a single session. */
function runOption(run: string | undefined, ids: number[]): number | undefined {
  if (run === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(run)) throw new UsageError(ct('cli.runNeedsId'));
  if (ids.length !== 1) throw new UsageError(ct('cli.runOneSession'));
  return Number(run);
}

async function report(args: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, lang: { type: 'string' }, run: { type: 'string' }, 'data-dir': { type: 'string' } } }),
  );
  if (!values.out) throw new UsageError(ct('cli.reportNeedsOut'));
  if (!positionals.length) throw new UsageError(ct('cli.reportNeedsIds'));
  const ids = sessionIds(positionals);
  const runId = runOption(values.run, ids);
  let locale: Locale = systemLocale();
  if (values.lang !== undefined) {
    if (!isLocale(values.lang)) throw new UsageError(ct('cli.langOneOf', { list: LOCALES.join(', ') }));
    locale = values.lang;
  }
  const core = await openCore(io, values['data-dir']);
  if (typeof core === 'number') return core;
  try {
    return await reportCommand(directClient(core, CLI_CALLER), { sessionIds: ids, outDir: path.resolve(values.out), locale, runId }, io);
  } finally {
    await core.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs one command; `io` receives stdout and stderr lines (tests capture them). */
export async function runCli(args: string[], io: Io = stdio): Promise<number> {
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

async function runCommand(args: string[], io: Io): Promise<number> {
  const [command] = args;
  if (command === 'analyze') return analyze(args.slice(1), io);
  if (command === 'export') return exportCsv(args.slice(1), io);
  if (command === 'report') return report(args.slice(1), io);
  if (!command || command === '--help' || command === '-h') {
    console.log(usageText());
    return command ? 0 : 2;
  }
  if (command === 'version' || command === '--version') {
    console.log(APP_VERSION);
    return 0;
  }
  if (command === 'sessions') {
    const core = await createCore({ dataDir: option(args, 'data-dir') ?? resolveDataDir() });
    try {
      for (const s of await directClient(core, CLI_CALLER).call('sessions.list', {})) {
        const dur = s.durationMs === null ? '-' : (s.durationMs / 1000).toFixed(1) + 's';
        console.log([s.id, s.participantCode, s.protocol, s.status, dur].join('\t'));
      }
      return 0;
    } finally {
      await core.close();
    }
  }
  console.error(`${ct('cli.unknownCommand', { command })}\n\n${usageText()}`);
  return 2;
}

const invokedDirectly = process.argv[1] && /cli\.(js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`affect: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
