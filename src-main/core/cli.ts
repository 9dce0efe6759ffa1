/**
 * Headless command line over the same core: `affect <command>`. Exit codes: 0 ok, 1 failure,
 * 2 usage error.
 */
import { createCore } from './app-core.js';
import { resolveDataDir } from './config/app-config.js';
import { APP_VERSION } from './version.js';

const USAGE = `Usage: affect <command> [options]

Commands:
  sessions [--data-dir DIR]     list sessions (id, participant, protocol, status, duration)
  version                       print the version

Options:
  --data-dir DIR                data folder (default: the application's)`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function runCli(args: string[]): Promise<number> {
  const [command] = args;
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
      for (const s of core.services.sessions.list()) {
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
