/** `affect report <session-id…> --out DIR [--lang en|zh-CN] [--run RUN-ID]`: one PDF report per session. */
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import type { AppCore } from '../app-core.js';
import { writeSessionReport } from '../report/report-file.js';
import type { Io } from './analyze-command.js';
import { ct } from './cli-language.js';
import { EXIT } from './exit-codes.js';
import { ApiError } from '../../../src-shared/errors.js';

export interface ReportCommandOptions {
  sessionIds: number[];
  outDir: string;
  locale: Locale;
  runId?: number;
}

export async function reportCommand(core: AppCore, o: ReportCommandOptions, io: Io): Promise<number> {
  let failures = 0;
  for (const id of o.sessionIds) {
    try {
      const r = await writeSessionReport(core.services, id, o.outDir, { locale: o.locale, runId: o.runId, actor: 'affect-cli' });
      if (r.missingCharacters.length) io.err(`affect: ${ct('cli.report.missingCharacters', { id, characters: r.missingCharacters.join(' ') })}`);
      io.out(['ok', id, r.runId, r.file].join('\t'));
    } catch (e) {
      // Only expected refusals (no such session, no complete run, a bad folder) are per-session failures.
      if (!(e instanceof ApiError)) throw e;
      failures++;
      io.err(`affect: ${ct('cli.report.failed', { id, message: e.message })}`);
      io.out(['failed', id, '', '', e.message].join('\t'));
    }
  }
  return failures ? EXIT.failed : EXIT.ok;
}
