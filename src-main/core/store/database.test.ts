import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { openDatabase, schemaVersion, SchemaTooNewError } from './database.js';
import { migrations } from './migrations/index.js';

const LATEST = migrations[migrations.length - 1].version;

describe('database migrations', () => {
  it('creates the whole schema on an empty file, with WAL and foreign keys on', () => {
    const db = openDatabase(path.join(tempDir(), 'a.sqlite'));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['participant', 'session', 'media_file', 'audit_log', 'analysis_run']));
    // Foreign keys are enforced: a session for a participant that does not exist is refused.
    expect(() => db.prepare("INSERT INTO session (participant_id, protocol, operator, created_at) VALUES (99, 'x', 'y', 'z')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('upgrades a database written by the previous version and keeps its rows', () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = openDatabase(file, migrations.slice(0, 1));
    expect(schemaVersion(old)).toBe(1);
    old.prepare("INSERT INTO participant (code, created_at) VALUES ('P01', '2026-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO session (participant_id, protocol, operator, created_at) VALUES (1, 'screening', 'dr x', '2026-01-01T00:00:00Z')").run();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST);
    const s = db.prepare('SELECT protocol, status, status_detail FROM session').get() as { protocol: string; status: string; status_detail: string | null };
    expect(s).toEqual({ protocol: 'screening', status: 'created', status_detail: null });
    expect(db.prepare('SELECT COUNT(*) AS n FROM media_file').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer version without changing it', () => {
    const file = path.join(tempDir(), 'new.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.exec('CREATE TABLE keep_me (x)');
    raw.close();
    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST + 5);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name='participant'").get()).toBeUndefined();
    check.close();
  });

  it('accepts a gap reserved for another branch but refuses a list that repeats or goes back', () => {
    const noop = (version: number) => ({ version, name: `m${version}`, up: () => {} });
    expect(openDatabase(path.join(tempDir(), 'gap.sqlite'), [...migrations.slice(0, 1), noop(4)]).pragma('user_version', { simple: true })).toBe(4);
    expect(() => openDatabase(path.join(tempDir(), 'rep.sqlite'), [...migrations.slice(0, 1), noop(3), noop(3)])).toThrow(/out of order/);
    expect(() => openDatabase(path.join(tempDir(), 'back.sqlite'), [...migrations.slice(0, 1), noop(3), noop(2)])).toThrow(/out of order/);
  });

  it('rolls back a failing migration and leaves the previous version intact', () => {
    const file = path.join(tempDir(), 'fail.sqlite');
    openDatabase(file, migrations.slice(0, 1)).close();
    const broken = [...migrations.slice(0, 1), { version: 2, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT * FROM no_such_table;') }];
    expect(() => openDatabase(file, broken)).toThrow(/no_such_table/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name='half'").get()).toBeUndefined();
    check.close();
  });
});
