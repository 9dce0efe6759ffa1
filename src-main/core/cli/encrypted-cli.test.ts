import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../app-core.js';
import { runCli } from '../cli.js';
import { tempDir } from '../test-support/make-media.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

function passFile(text: string, mode = 0o600): string {
  const file = path.join(tempDir(), 'pass');
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
  return file;
}

function everyFile(dir: string): Buffer[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((n) => path.join(dir, n)).filter((f) => statSync(f).isFile()).map((f) => readFileSync(f));
}

afterEach(() => {
  delete process.env.AFFECT_PASSPHRASE_FILE;
});

describe('affect on encrypted data folders', () => {
  it('creates a new folder encrypted, prints the recovery key once, and then needs the passphrase', async () => {
    const dataDir = tempDir();
    const pass = passFile('clinic passphrase one\n');
    const c = capture();
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir, '--passphrase-file', pass], c.io)).toBe(0);
    expect(c.err.join('\n')).toMatch(/Recovery key for .*\n\n {4}[0-9A-Z]{4}(-[0-9A-Z]{4}){7}\n/);
    expect(readdirSync(dataDir)).toContain('affect-keys.json');
    const add = capture();
    expect(await runCli(['participants', 'add', 'P-ENC-1', '--consent', 'video,audio', '--data-dir', dataDir, '--passphrase-file', pass, '--operator', 'RA Lab'], add.io)).toBe(0);
    for (const bytes of everyFile(dataDir)) expect(bytes.includes('P-ENC-1')).toBe(false);

    const none = capture();
    expect(await runCli(['participants', '--data-dir', dataDir], none.io)).toBe(3);
    expect(none.err.join('\n')).toMatch(/is encrypted: give --passphrase-file FILE/);
    const wrong = capture();
    expect(await runCli(['participants', '--data-dir', dataDir, '--passphrase-file', passFile('not the passphrase')], wrong.io)).toBe(3);
    expect(wrong.err.join('\n')).toMatch(/passphrase does not open this data folder/);

    process.env.AFFECT_PASSPHRASE_FILE = pass;
    const list = capture();
    expect(await runCli(['participants', '--data-dir', dataDir], list.io)).toBe(0);
    expect(list.out.join('\n')).toMatch(/P-ENC-1/);
  });

  it('never takes a passphrase as an argument, nor from a file others can read', async () => {
    const dataDir = tempDir();
    const c = capture();
    expect(await runCli(['participants', '--data-dir', dataDir, '--passphrase', 'secret words here'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/never given as an argument/);
    const open = capture();
    expect(await runCli(['participants', '--data-dir', dataDir, '--passphrase-file', passFile('clinic passphrase one', 0o644)], open.io)).toBe(3);
    expect(open.err.join('\n')).toMatch(/can be read by other users .* chmod 600/);
    const none = capture();
    expect(await runCli(['participants', '--data-dir', dataDir], none.io)).toBe(3);
    expect(none.err.join('\n')).toMatch(/new data folder: give --passphrase-file FILE .* or --no-encryption/);
    expect(readdirSync(dataDir)).not.toContain('affect-studio.sqlite');
    expect(await runCli(['participants', '--data-dir', dataDir, '--no-encryption'], capture().io)).toBe(0);
    expect(readdirSync(dataDir)).not.toContain('affect-keys.json');
  });

  it('encrypts a clear folder in place with affect encrypt', async () => {
    const dataDir = tempDir();
    const core = await createCore({ dataDir });
    core.services.participants.create('P-WAS-CLEAR');
    await core.close();
    const pass = passFile('clinic passphrase two');
    const c = capture();
    expect(await runCli(['encrypt', '--data-dir', dataDir, '--passphrase-file', pass], c.io)).toBe(0);
    expect(c.out).toEqual([`ok\t${dataDir}`]);
    expect(c.err.join('\n')).toMatch(/Recovery key/);
    for (const bytes of everyFile(dataDir)) expect(bytes.includes('P-WAS-CLEAR')).toBe(false);
    const list = capture();
    expect(await runCli(['participants', '--data-dir', dataDir, '--passphrase-file', pass], list.io)).toBe(0);
    expect(list.out.join('\n')).toMatch(/P-WAS-CLEAR/);
    expect(await runCli(['encrypt', '--data-dir', dataDir, '--passphrase-file', pass], capture().io)).toBe(0);
  });
});
