/**
 * CSV text as R, pandas and Excel read it: RFC 4180 (comma separator, CRLF line ends, fields with a comma,
 * semicolon, quote, CR or LF in double quotes with quotes doubled), UTF-8. No byte-order mark unless asked for: base R's
 * read.csv would otherwise glue it to the first column name; Excel users with non-ASCII text can ask for one.
 *
 * Text cells are guarded against spreadsheet formula injection (OWASP "CSV injection"): a text value that
 * begins with = + - @, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text
 * and never evaluates it. Numbers are written as numbers and never prefixed (a negative valence stays -0.3).
 */
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, linkSync, openSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

export type Cell = string | number | boolean | null | undefined;

/** A cell the writer must treat as text (guarded), as opposed to a number. */
export class Text {
  constructor(readonly value: string) {}
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function guardText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** Quotes a field holding a separator: the comma, and the semicolon that semicolon-CSV locales split on. */
export function quoteField(s: string): string {
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Numbers: up to `decimals` places, no exponent, no trailing zeros; NaN/Infinity and null are empty cells. */
export function formatNumber(x: number, decimals = 6): string {
  if (!Number.isFinite(x)) return '';
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  if (Math.abs(r) >= 1e21) return r.toFixed(0);
  const s = Object.is(r, -0) ? '0' : String(r);
  return s.includes('e') ? r.toFixed(decimals).replace(/\.?0+$/, '') : s;
}

/** One cell as CSV text: strings are text (guarded + quoted), numbers formatted, booleans 1/0, null empty. */
export function formatCell(c: Cell | Text): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Text) return quoteField(guardText(c.value));
  if (typeof c === 'number') return formatNumber(c);
  if (typeof c === 'boolean') return c ? '1' : '0';
  return quoteField(guardText(c));
}

export function formatRow(cells: ReadonlyArray<Cell | Text>): string {
  return cells.map(formatCell).join(',') + '\r\n';
}

export interface CsvWriterOptions {
  /** Write a UTF-8 byte-order mark first (for Excel with non-ASCII text). Default false. */
  bom?: boolean;
  /** Replace a file of the same name. Default false: the new file gets a free name (`x-2.csv`, `x-3.csv`, …). */
  overwrite?: boolean;
}

/**
 * Streams rows to a file with bounded memory: lines are gathered into ~64 KiB pieces and the writer waits for
 * the stream to drain before taking more. The file is a temp file put in place by writeCsvFileAtomically only
 * after close() succeeds, so a failed export never leaves a half file under the real name.
 */
export class CsvWriter {
  private readonly out: WriteStream;
  private buf = '';
  private failed: Error | null = null;
  rows = 0;

  constructor(
    file: string,
    readonly header: readonly string[],
    opts: CsvWriterOptions = {},
  ) {
    // A new file only (O_EXCL: never through a link or over an existing file), readable by this user only.
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    this.out = createWriteStream('', { fd, encoding: 'utf8' });
    this.out.on('error', (e) => (this.failed = e));
    this.buf = (opts.bom ? '\uFEFF' : '') + formatRow(header);
  }

  async write(cells: ReadonlyArray<Cell | Text>): Promise<void> {
    if (cells.length !== this.header.length) throw new Error(`CSV row has ${cells.length} cells, header has ${this.header.length}`);
    this.buf += formatRow(cells);
    this.rows++;
    if (this.buf.length >= 65536) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
    if (this.failed) throw this.failed;
  }

  /** Stops writing (after an error elsewhere) and waits for the file to be closed. */
  async abort(): Promise<void> {
    this.buf = '';
    if (this.out.closed) return;
    const closed = once(this.out, 'close').catch(() => undefined);
    this.out.destroy();
    await closed;
  }
}

/** `x.csv`, `x-2.csv`, `x-3.csv`, … */
export function numberedName(file: string, n: number): string {
  if (n < 2) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${n}${ext}`;
}

/**
 * Puts a finished temp file in place under `file`, or under the first free numbered name unless `overwrite`.
 * link() fails when the name exists (a file or a link of any kind) and rename() replaces a link rather than
 * following it, so neither writes anywhere but this folder. Returns the name used.
 */
function publish(temp: string, file: string, overwrite: boolean): string {
  if (overwrite) {
    renameSync(temp, file);
    return file;
  }
  for (let n = 1; n < 10_000; n++) {
    const name = numberedName(file, n);
    try {
      linkSync(temp, name);
      rmSync(temp);
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`No free file name for ${file}`);
}

/**
 * Writes a CSV file through a new temp file of a random name beside it (created exclusively, so a planted
 * link cannot redirect it), put in place only when complete: a failed or cancelled export never leaves a half
 * file that looks finished, and an existing file is only replaced when the caller says so. Returns the path
 * written, which has a `-N` suffix when the name was taken.
 */
export async function writeCsvFileAtomically(file: string, header: readonly string[], opts: CsvWriterOptions, body: (w: CsvWriter) => Promise<void>): Promise<string> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.part`);
  const w = new CsvWriter(temp, header, opts);
  try {
    await body(w);
    await w.close();
    return publish(temp, file, opts.overwrite === true);
  } catch (e) {
    await w.abort();
    rmSync(temp, { force: true });
    throw e;
  }
}
