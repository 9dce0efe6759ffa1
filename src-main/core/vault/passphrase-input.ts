/**
 * Where browser mode and the CLI get a passphrase: a file named by --passphrase-file or
 * AFFECT_PASSPHRASE_FILE (readable by its owner only, one line), else a prompt on the terminal with the
 * typing hidden. Never from a command-line argument: other users can read a process's command line.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { VaultError } from './key-file.js';

export class PassphraseInputError extends VaultError {}

export interface PassphraseSource {
  /** --passphrase-file, if given. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** The terminal to prompt on (default: stdin/stderr when stdin is a TTY). */
  tty?: { input: NodeJS.ReadStream; output: NodeJS.WritableStream } | null;
}

export function readPassphraseFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new PassphraseInputError('errors.vault.passphraseFileUnreadable', { file, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PassphraseInputError('errors.vault.passphraseFileNotFile', { file });
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new PassphraseInputError('errors.vault.passphraseFileOpen', { file, mode: (st.mode & 0o777).toString(8) });
    }
    if (st.size > 4096) throw new PassphraseInputError('errors.vault.passphraseFileLarge', { file });
    const buf = Buffer.alloc(st.size);
    readSync(fd, buf, 0, st.size, 0);
    const text = buf.toString('utf8');
    buf.fill(0);
    // One line: a trailing newline (as editors and `echo` write) is not part of the passphrase.
    const pass = text.replace(/\r?\n$/, '');
    if (!pass) throw new PassphraseInputError('errors.vault.passphraseFileEmpty', { file });
    return pass;
  } finally {
    closeSync(fd);
  }
}

/** Asks on the terminal without echoing what is typed. */
export function promptHidden(question: string, tty: { input: NodeJS.ReadStream; output: NodeJS.WritableStream }): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input, output } = tty;
    output.write(question);
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const done = (err: Error | null) => {
      input.off('data', onData);
      input.setRawMode?.(wasRaw ?? false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new PassphraseInputError('errors.vault.cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The passphrase from the file option, the environment, or a terminal prompt; null when there is none. */
export async function getPassphrase(question: string, src: PassphraseSource = {}): Promise<string | null> {
  const env = src.env ?? process.env;
  const file = src.file ?? env.AFFECT_PASSPHRASE_FILE;
  if (file) return readPassphraseFile(file);
  const tty = src.tty === undefined ? (process.stdin.isTTY ? { input: process.stdin, output: process.stderr } : null) : src.tty;
  if (!tty) return null;
  return promptHidden(question, tty);
}
