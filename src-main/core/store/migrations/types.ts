import type Database from 'better-sqlite3';

/** One schema step. Versions strictly increase (a number may be reserved for another branch); a step runs once, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}
