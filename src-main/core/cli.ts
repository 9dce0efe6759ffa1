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
import { resolveDataDir } from './config/app-config.js';
import { DataFolderBusyError } from './config/data-lock.js';
import type { ProviderPreference } from './inference/providers.js';
import { directClient } from './rpc/direct-client.js';
import { APP_VERSION } from './version.js';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

const USAGE = `Usage: affect <command> [options]

Commands:
  sessions [--data-dir DIR]     list sessions (id, participant, protocol, status, duration)
  analyze <clip…> [--out DIR] [--provider P] [--participant CODE] [--bom] [--data-dir DIR]
                                import each clip (mp4, mov, webm, mkv, avi) as a new session of
                                participant CODE (default "imports"), analyse face and voice, and
                                write <session>_timeline.csv and <session>_summary.csv to DIR
                                (default: the current folder)
  export <session-id…|--all> --out DIR [--run RUN-ID] [--bom] [--data-dir DIR]
                                write the CSVs of the sessions' newest complete analysis runs (or of
                                run RUN-ID for a single session); with several sessions or --all also
                                sessions_summary.csv (one row per session)
  version                       print the version

Options:
  --data-dir DIR                data folder (default: the application's; it must not be open in the app)
  --provider P                  auto (default), cpu, cuda, dml, coreml or webgpu
  --bom                         start CSV files with a UTF-8 byte-order mark (Excel)

Output: one tab-separated line per item on stdout, messages and progress on stderr.
  analyze: ok|failed <TAB> clip <TAB> session-id <TAB> run-id <TAB> timeline.csv <TAB> summary.csv <TAB> message
  export:  ok|failed <TAB> session-id <TAB> run-id <TAB> timeline.csv <TAB> summary.csv [<TAB> message]
           summary <TAB> <TAB> <TAB> sessions_summary.csv

Exit codes:
  0    everything asked for was done
  1    at least one clip or session failed (the others were done; see stderr), or nothing to export
  2    usage error
  3    the data folder is in use by another Affect Studio, or cannot be opened
  130  interrupted (Ctrl-C): the running analysis was marked incomplete and can be resumed in the app`;

/** The CLI's requests name it as the caller, and its audit entries as the actor. */
const CLI_CALLER = { clientId: 'affect-cli', actor: 'affect-cli' };

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

async function openCore(io: Io, dataDir: string | undefined, provider?: ProviderPreference): Promise<AppCore | number> {
  try {
    return await createCore({ dataDir: dataDir ?? resolveDataDir(), provider });
  } catch (e) {
    const why = e instanceof DataFolderBusyError ? `${e.message} (close it, or use --data-dir)` : `cannot open the data folder: ${e instanceof Error ? e.message : String(e)}`;
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
  if (!positionals.length) throw new UsageError('analyze needs at least one clip');
  const provider = values.provider ?? 'auto';
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
  const core = await openCore(io, values['data-dir'], provider as ProviderPreference);
  if (typeof core === 'number') return core;
  const interrupted: { requested: boolean; onRequest?: () => void } = { requested: false };
  const onSignal = (): void => {
    interrupted.requested = true;
    io.err('affect: interrupted; stopping the running analysis (it stays resumable)');
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
  if (!values.out) throw new UsageError('export needs --out DIR');
  if (values.all && positionals.length) throw new UsageError('give session ids or --all, not both');
  if (!values.all && !positionals.length) throw new UsageError('export needs session ids or --all');
  const ids = positionals.map((p) => {
    if (!/^[1-9][0-9]*$/.test(p)) throw new UsageError(`"${p}" is not a session id`);
    return Number(p);
  });
  let runId: number | undefined;
  if (values.run !== undefined) {
    if (!/^[1-9][0-9]*$/.test(values.run)) throw new UsageError('--run needs a run id');
    if (ids.length !== 1) throw new UsageError('--run can only be used with one session id');
    runId = Number(values.run);
  }
  const core = await openCore(io, values['data-dir']);
  if (typeof core === 'number') return core;
  try {
    return await exportCommand(directClient(core, CLI_CALLER), { sessionIds: values.all ? 'all' : ids, outDir: path.resolve(values.out), runId, bom: values.bom === true }, io);
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
      io.err(`affect: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const [command] = args;
  if (command === 'analyze') return analyze(args.slice(1), io);
  if (command === 'export') return exportCsv(args.slice(1), io);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
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
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
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
