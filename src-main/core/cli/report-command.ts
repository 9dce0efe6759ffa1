/**
 * `affect report <session-id…> --out DIR [--lang en|zh-CN] [--run RUN-ID]`: one PDF per session, made by
 * report.pdf over the contract (as the app's "Save as PDF") and written to `.part` (owner-only) then renamed,
 * so a failure leaves no half file.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import { ensureDir } from '../export/session-export.js';
import type { Io } from './analyze-command.js';
import { ct, systemLocale } from './cli-language.js';
import { localizeMessage } from '../../../src-shared/i18n/errors.js';
import { EXIT } from './exit-codes.js';

export interface ReportCommandOptions {
  sessionIds: number[];
  outDir: string;
  locale: Locale;
  runId?: number;
}

function writeOwnerOnly(file: string, bytes: Uint8Array): void {
  const part = `${file}.part`;
  try {
    writeFileSync(part, bytes, { mode: 0o600 });
    renameSync(part, file);
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
}

export async function reportCommand(api: ContractClient, o: ReportCommandOptions, io: Io): Promise<number> {
  let failures = 0;
  for (const id of o.sessionIds) {
    try {
      ensureDir(o.outDir);
      const r = await api.call('report.pdf', { sessionId: id, locale: o.locale, ...(o.runId !== undefined ? { runId: o.runId } : {}) });
      const file = path.join(o.outDir, r.fileName);
      writeOwnerOnly(file, r.pdf);
      if (r.missingCharacters.length) io.err(`affect: ${ct('cli.report.missingCharacters', { id, characters: r.missingCharacters.join(' ') })}`);
      io.out(['ok', id, r.runId, file].join('\t'));
    } catch (e) {
      // Only expected refusals (no such session, no complete run, a bad folder) are per-session failures.
      if (!(e instanceof ApiError)) throw e;
      failures++;
      const message = localizeMessage(systemLocale(), e.message, e.i18n);
      io.err(`affect: ${ct('cli.report.failed', { id, message })}`);
      io.out(['failed', id, '', '', message].join('\t'));
    }
  }
  return failures ? EXIT.failed : EXIT.ok;
}
