// The core's refusals and the CLI's messages come from the message catalogues too (src-shared/i18n/locales), so the
// interface and `affect` word them in the reader's language: this test fails on `new ApiError(code, 'literal
// words')` anywhere in the core or the shared code (refuse with apiError(code, 'errors.…', vars) instead), and on
// a sentence written in the code of the CLI (print ct('cli.…', vars)). Result lines on stdout are an interface
// and stay as they are; a literal that only looks like words can be marked with a `// not-ui: why` comment on
// the line before it (developer-only text).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { literalRefusals, root, sourceFiles, unlocalisedStrings } from './text-scan.js';

/** Calls whose string arguments a person does not read: catalogue keys, request names, argument parsing. */
const CLI_NON_UI = /^(ct|cm|t|messageIn|apiError|\w+\.call|\w+\.on|process\.(on|off)|parseArgs|import)$/;

const coreFiles = () =>
  [...sourceFiles(path.join(root, 'src-main/core')), ...sourceFiles(path.join(root, 'src-shared'))].filter((f) => f.endsWith('.ts') && !f.includes(`${path.sep}i18n${path.sep}`) && !f.includes(`${path.sep}test-support${path.sep}`));
const cliFiles = () => [path.join(root, 'src-main/core/cli.ts'), ...sourceFiles(path.join(root, 'src-main/core/cli'))];

describe('core refusals and CLI messages come from the message catalogues', () => {
  it('no core or shared module refuses with words written in the code', () => {
    const findings = coreFiles().flatMap((f) => literalRefusals(f));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text}`)).toEqual([]);
  });

  it('no CLI module prints a sentence written in the code', () => {
    const findings = cliFiles().flatMap((f) => unlocalisedStrings(f, undefined, CLI_NON_UI));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text}`)).toEqual([]);
  });

  it('the checks find literal refusals and printed sentences (they can fail)', () => {
    const core = `export function f(id: number, closing: boolean) {
  if (closing) throw new ApiError('unavailable', 'The application is closing');
  if (id > 3) throw new ApiError('conflict', \`Run \${id} is already complete\`);
  if (id > 2) throw new ApiError('conflict', id > 9 ? 'Far too many' : apiError('conflict', 'errors.closing').message);
  if (id > 1) throw apiError('conflict', 'errors.analysis.complete', { id });
  // not-ui: a developer's assertion, never shown
  if (id < 0) throw new ApiError('internal', 'negative id reached the store');
  throw new ApiError(e.code, e.message);
}`;
    expect(literalRefusals(path.join(root, 'src-main/core/x.ts'), core).map((f) => f.text)).toEqual(['The application is closing', 'Run', 'Far too many']);
    const cli = `export function g(io: Io, n: number) {
  io.err('affect: no session is past its retention date');
  io.err(\`affect: \${ct('cli.nothingDue')}\`);
  if (n) throw new UsageError(\`deleting \${n} session(s) for good; add --yes\`);
  console.error(ct('cli.usage'));
}`;
    expect(unlocalisedStrings(path.join(root, 'src-main/core/cli/x.ts'), cli, CLI_NON_UI).map((f) => f.text)).toEqual(['affect: no session is past its retention date', 'session(s) for good; add --yes']);
  });
});
