// `affect` speaks the system's language (LC_ALL, LC_MESSAGES, LANG): a reader on a Chinese system gets the core's
// refusals, the CLI's own messages and the consent rules in Chinese, while the result lines on stdout stay the same.
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { tempDir } from '../test-support/make-media.js';

// Before any message is worded: the CLI reads the language once.
const before = process.env.LC_ALL;
process.env.LC_ALL = 'zh_CN.UTF-8';
afterAll(() => {
  if (before === undefined) delete process.env.LC_ALL;
  else process.env.LC_ALL = before;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('affect on a Chinese system', () => {
  it('prints refusals from the core, its own errors and consent refusals in Chinese', async () => {
    const at = ['--data-dir', tempDir()];
    const c = capture();
    // A clear folder: this test is about the words, not the passphrase (tests of encrypted folders: vault/).
    expect(await runCli(['operators', 'add', 'Ada', '--role', 'clinician', ...at, '--no-encryption'], c.io)).toBe(0);
    const op = ['--operator', 'Ada'];
    expect(await runCli(['participants', 'add', 'P-1', '--consent', 'video,audio', ...at, ...op], c.io)).toBe(0);
    expect(await runCli(['participants', 'withdraw', 'P-1', ...at, ...op], c.io)).toBe(0);
    // Result lines are an interface: the same words in every language.
    expect(c.out.at(-1)).toMatch(/^ok\t1\tP-1\tconsent-withdrawn\t2$/);

    // A refusal by the core (errors.consent.noneToWithdraw), worded in the CLI's language.
    const refused = capture();
    expect(await runCli(['participants', 'withdraw', 'P-1', ...at, ...op], refused.io)).toBe(1);
    expect(refused.err).toEqual(['affect: 没有可撤回的有效知情同意']);

    // The consent rule, with what is missing and why in Chinese too.
    const analyse = capture();
    expect(await runCli(['analyze', 'clip.mp4', '--participant', 'P-1', ...at, ...op], analyse.io)).toBe(1);
    expect(analyse.err).toEqual(['affect: 无法分析片段：受试者 P-1 未同意自动分析和导出数据的研究用途（知情同意已撤回）。']);

    // The CLI's own usage errors.
    const usage = capture();
    expect(await runCli(['participants', 'add', 'P-2', ...at, ...op], usage.io)).toBe(2);
    expect(usage.err[0]).toMatch(/^affect: participants add 需要 --consent/);
    expect(usage.err.join('\n')).not.toMatch(/needs --consent/);
  });

  it('words the lab queue options the core refuses (a share, the Redis URL) in Chinese', async () => {
    const share = capture();
    expect(await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--share', 'corpus=/no/such/folder'], share.io)).toBe(2);
    expect(share.err[0]).toMatch(/^affect: 共享 corpus：本机上不存在文件夹 \/no\/such\/folder\n/);
    const url = capture();
    expect(await runCli(['worker', '--redis', 'http://127.0.0.1:6379'], url.io)).toBe(2);
    expect(url.err[0]).toMatch(/^affect: Redis 地址必须以 redis:\/\/ 或 rediss:\/\/（TLS）开头，而不是 http:\/\/\n/);
  });
});
