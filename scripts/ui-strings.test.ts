// Every string the interface shows comes from the message catalogues (src-shared/i18n/locales): this test
// reads every Svelte component and renderer module and fails on text a person would read that is written in
// the code instead: text in markup, user-facing attributes (title, aria-label, placeholder, …) and string
// literals that read as words ("Saving…", "Could not load"). Identifiers, CSS, method names, key names and
// developer-only console output are not UI text. A literal that only looks like words can be marked with a
// `// not-ui: why` comment on the line before it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, sourceFiles, unlocalisedStrings } from './text-scan.js';

describe('interface text comes from the message catalogues', () => {
  it('no component or renderer module shows text written in the code', () => {
    const findings = sourceFiles(path.join(root, 'src-renderer')).flatMap((f) => unlocalisedStrings(f));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text}`)).toEqual([]);
  });

  it('the check finds text in markup, attributes and script (it can fail)', () => {
    const svelte = `<script lang="ts">
  import { t } from './i18n.svelte.js';
  let status = $state<string | null>(null);
  function save() { status = 'Note saved.'; }
  const key = (e: KeyboardEvent) => e.key === 'Escape';
  console.log('developer message here');
</script>
<button title="Save the note" onclick={save}>{t('common.save')}</button>
<p>Saving…</p>
<span aria-label={t('x.y')} class="big red">{busy ? 'Starting…' : t('a.b')}</span>`;
    const found = unlocalisedStrings(path.join(root, 'src-renderer/x.svelte'), svelte).map((f) => f.text);
    expect(found).toEqual(['Note saved.', 'title="Save the note"', 'Saving…', 'Starting…']);
    const mod = `export function describe(e: Error): string {
  if (e.name === 'NotAllowedError') return 'Access was refused.';
  // not-ui: a MIME type list
  const kinds = 'video webm';
  return t('capture.error', { detail: 'plain words here' }) + e.message;
}`;
    expect(unlocalisedStrings(path.join(root, 'src-renderer/x.ts'), mod).map((f) => f.text)).toEqual(['Access was refused.']);
  });
});
