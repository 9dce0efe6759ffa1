/**
 * De-identified export (issue 17, docs/csv.md "De-identified export"): per export, every participant gets a
 * random pseudonym and every session a number (1, 2, … in export order), so neither can be looked up in the
 * data folder; notes, operator and rater names and file names are left out; times in the timeline are already
 * relative to the session's start; dates are dropped or shifted by a random whole number of days per
 * participant. The mapping is kept only in a key file, and only when the user names one.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../src-shared/errors.js';
import type { Deidentify } from '../../../src-shared/governance.js';
import { formatRow, Text } from './csv.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O or 1/I: codes read aloud or copied by hand

function randomCode(n: number): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export const KEY_FILE_COLUMNS = ['pseudonym', 'participant', 'session_number', 'session_id', 'date_shift_days'] as const;

export class DeidMap {
  private readonly pseudonyms = new Map<string, string>();
  private readonly shifts = new Map<string, number>();
  private readonly sessions = new Map<number, { n: number; code: string }>();
  private readonly raters = new Map<string, string>();

  constructor(readonly options: Deidentify) {}

  /** A participant's pseudonym in this export, e.g. "anon-7KQ3MZ2P". */
  participant(code: string): string {
    const key = code.toLowerCase();
    const known = this.pseudonyms.get(key);
    if (known) return known;
    const used = new Set(this.pseudonyms.values());
    let p: string;
    do p = `anon-${randomCode(8)}`;
    while (used.has(p));
    this.pseudonyms.set(key, p);
    return p;
  }

  /** The session's number in this export (1, 2, …), in place of its id. */
  session(id: number, participantCode: string): number {
    let s = this.sessions.get(id);
    if (!s) {
      s = { n: this.sessions.size + 1, code: participantCode };
      this.sessions.set(id, s);
      this.participant(participantCode);
    }
    return s.n;
  }

  /** A rater's stand-in, R1, R2, … in order of first appearance. */
  rater(name: string): string {
    const key = name.toLowerCase();
    let r = this.raters.get(key);
    if (!r) {
      r = `R${this.raters.size + 1}`;
      this.raters.set(key, r);
    }
    return r;
  }

  /** An instant (ISO 8601) shifted by the participant's whole-day offset, or null when dates are dropped. */
  date(iso: string | null, participantCode: string): string | null {
    if (iso === null || this.options.dates === 'drop') return null;
    const key = participantCode.toLowerCase();
    let days = this.shifts.get(key);
    if (days === undefined) {
      // Back by 1–365 days: intervals within a participant stay exact, the calendar date does not.
      days = -randomInt(1, 366);
      this.shifts.set(key, days);
    }
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return null;
    return new Date(d.getTime() + days * 86_400_000).toISOString();
  }

  /** `<pseudonym>_s<n>`: the export's file stem for a session. */
  stem(sessionId: number, participantCode: string): string {
    return `${this.participant(participantCode)}_s${this.session(sessionId, participantCode)}`;
  }

  /**
   * Writes the mapping where the user asked (an absolute path to a new file, readable by this user only). Refuses
   * to overwrite an existing file: a key file is the one thing that re-identifies an export.
   */
  writeKeyFile(file: string): string {
    if (!path.isAbsolute(file)) throw new ApiError('invalid_input', 'The key file must be an absolute path');
    if (existsSync(file)) throw new ApiError('conflict', `${file} already exists; choose a new file for the key`);
    const lines = [formatRow([...KEY_FILE_COLUMNS])];
    for (const [id, s] of [...this.sessions.entries()].sort((a, b) => a[1].n - b[1].n)) {
      const shift = this.options.dates === 'shift' ? (this.shifts.get(s.code.toLowerCase()) ?? null) : null;
      lines.push(formatRow([new Text(this.participant(s.code)), new Text(s.code), s.n, id, shift]));
    }
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, lines.join(''));
    } finally {
      closeSync(fd);
    }
    return file;
  }
}
