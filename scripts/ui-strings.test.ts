// Every string the interface shows comes from the message catalogues (src-shared/i18n/locales): this test
// reads every Svelte component and renderer module and fails on text a person would read that is written in
// the code instead: text in markup, user-facing attributes (title, aria-label, placeholder, …) and string
// literals that read as words ("Saving…", "Could not load"). Identifiers, CSS, method names, key names and
// developer-only console output are not UI text. A literal that only looks like words can be marked with a
// `// not-ui: why` comment on the line before it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'svelte/compiler';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Attributes whose text is read (or spoken) to the user. */
const USER_ATTRIBUTES = new Set(['title', 'aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription', 'aria-placeholder', 'placeholder', 'alt', 'label']);

/** DOM names that look like capitalised words but are identifiers: key names, error names, font families. */
const NOT_WORDS = new Set([
  'Escape', 'Enter', 'Tab', 'Space', 'Home', 'End', 'Delete', 'Backspace', 'Insert', 'Shift', 'Control', 'Alt', 'Meta',
  'PageUp', 'PageDown', 'Unidentified', 'Dead', 'Esc',
]);

/** Calls whose string arguments are not shown: translation keys, RPC names, logging, DOM plumbing. */
const NON_UI_CALLEES = /^(t|console\.\w+|api\.call|api\.on|\w+\.addEventListener|\w+\.removeEventListener|\w+\.querySelector(All)?|\w+\.getContext|\w+\.setAttribute|\w+\.getAttribute|\w+\.closest|matchMedia|\w+\.matches|\w+\.toLocaleString|\w+\.canPlayType|\w+\.isTypeSupported|MediaRecorder\.isTypeSupported|new Intl\.\w+)$/;

const LETTER = /\p{L}/u;
/** Markup text that is words: two letters in a row (a lone κ or × is a symbol), or any Chinese. */
const TEXT_WORDS = /\p{L}\p{L}|\p{Script=Han}/u;
/** Two words, or one capitalised word (with an ellipsis or stop): reads as text for a person. */
function readsAsWords(s: string): boolean {
  const x = s.trim();
  if (!LETTER.test(x)) return false;
  if (/\p{L}[\p{L}'’.,)]*\s+[\p{L}(“"'‘]/u.test(x)) return true;
  if (/^\p{Lu}\p{Ll}+[….!?:]*$/u.test(x) && !NOT_WORDS.has(x)) return true;
  return /[…]$/.test(x) && LETTER.test(x);
}

export interface Finding {
  file: string;
  line: number;
  text: string;
}

function lineOf(src: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < src.length; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

function exemptLine(src: string, line: number): boolean {
  const lines = src.split('\n');
  return /\/\/\s*not-ui:|<!--\s*not-ui:/.test(lines[line - 2] ?? '') || /\/\/\s*not-ui:/.test(lines[line - 1] ?? '');
}

// ---- Svelte components (markup and scripts, as Svelte's own parser reads them) ----

type EsNode = { type: string; start: number; end: number; [k: string]: unknown };
const isNode = (x: unknown): x is EsNode => typeof x === 'object' && x !== null && typeof (x as EsNode).type === 'string';

function calleeName(n: EsNode): string {
  const c = n.callee as EsNode;
  const name = (e: EsNode): string =>
    e.type === 'Identifier' ? (e.name as string) : e.type === 'MemberExpression' ? `${name(e.object as EsNode)}.${(e.property as EsNode).name ?? '?'}` : '?';
  return `${n.type === 'NewExpression' ? 'new ' : ''}${name(c)}`;
}

function scanSvelte(file: string, src: string): Finding[] {
  const out: Finding[] = [];
  const ast = parse(src, { modern: true }) as unknown as EsNode;
  const report = (offset: number, text: string) => {
    const line = lineOf(src, offset);
    if (!exemptLine(src, line)) out.push({ file, line, text: text.trim().slice(0, 80) });
  };
  const walk = (node: unknown, skip: boolean): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, skip);
      return;
    }
    if (!isNode(node)) return;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ImportExpression':
      case 'StyleSheet':
      case 'Comment':
        return;
      case 'TSTypeAnnotation':
      case 'TSTypeAliasDeclaration':
      case 'TSInterfaceDeclaration':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
        if (node.type === 'TSAsExpression' || node.type === 'TSSatisfiesExpression') walk(node.expression, skip);
        return;
      case 'Text':
        if (!skip && TEXT_WORDS.test(node.data as string)) report(node.start, node.data as string);
        return;
      case 'RegularElement':
        // Key caps (<kbd>R</kbd>) read the same in every language.
        if (node.name === 'kbd') return;
        break;
      case 'StyleDirective':
      case 'ClassDirective':
        return;
      case 'Attribute': {
        const name = node.name as string;
        const value = node.value;
        if (Array.isArray(value)) {
          for (const v of value as EsNode[]) {
            if (v.type === 'Text') {
              if (USER_ATTRIBUTES.has(name) && LETTER.test(v.data as string)) report(v.start, `${name}="${v.data}"`);
            } else walk(v, skip || name === 'class' || name === 'style');
          }
        } else walk(value, skip || name === 'class' || name === 'style');
        return;
      }
      case 'Literal':
        if (!skip && typeof node.value === 'string' && readsAsWords(node.value)) report(node.start, node.value);
        return;
      case 'TemplateLiteral':
        if (!skip) for (const q of node.quasis as EsNode[]) if (readsAsWords((q.value as { cooked: string }).cooked ?? '')) report(q.start, (q.value as { cooked: string }).cooked);
        walk(node.expressions, skip);
        return;
      case 'Property':
        walk(node.value, skip);
        return;
      case 'CallExpression':
      case 'NewExpression':
        walk(node.callee, skip);
        walk(node.arguments, skip || NON_UI_CALLEES.test(calleeName(node)));
        return;
      case 'BinaryExpression':
        // Comparisons test values (e.key === 'Escape', status === 'created'); they show nothing.
        if (['===', '!==', '==', '!='].includes(node.operator as string)) return;
        break;
      case 'SwitchCase':
        walk(node.consequent, skip);
        return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'parent' || k === 'loc' || k === 'metadata' || k === 'leadingComments' || k === 'trailingComments') continue;
      if (typeof v === 'object' && v !== null) walk(v, skip);
    }
  };
  walk(ast, false);
  return out;
}

// ---- TypeScript modules (TypeScript's own parser) ----

function scanTs(file: string, src: string): Finding[] {
  const out: Finding[] = [];
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const report = (node: ts.Node, text: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    if (!exemptLine(src, line)) out.push({ file, line, text: text.trim().slice(0, 80) });
  };
  const calleeText = (c: ts.CallExpression | ts.NewExpression) => `${ts.isNewExpression(c) ? 'new ' : ''}${c.expression.getText(sf).replace(/\s+/g, '')}`;
  const visit = (node: ts.Node, skip: boolean): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node) || ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) return;
    if (ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (!skip && !ts.isPropertyAssignment(node.parent) ? readsAsWords(node.text) : !skip && (node.parent as ts.PropertyAssignment).initializer === node && readsAsWords(node.text)) report(node, node.text);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      if (!skip) for (const part of [node.head, ...node.templateSpans.map((s) => s.literal)]) if (readsAsWords(part.text)) report(node, part.text);
      for (const s of node.templateSpans) visit(s.expression, skip);
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      visit(node.expression, skip);
      const quiet = skip || NON_UI_CALLEES.test(calleeText(node)) || node.expression.getText(sf) === 'import';
      for (const a of node.arguments ?? []) visit(a, quiet);
      return;
    }
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) return;
    if (ts.isCaseClause(node)) {
      for (const s of node.statements) visit(s, skip);
      return;
    }
    if (ts.isPropertyAssignment(node) && (ts.isStringLiteral(node.name) || ts.isIdentifier(node.name))) {
      visit(node.initializer, skip);
      return;
    }
    ts.forEachChild(node, (c) => visit(c, skip));
  };
  visit(sf, false);
  return out;
}

function rendererFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...rendererFiles(full));
    else if (/\.(svelte|ts)$/.test(name) && !/\.(test|d)\.ts$/.test(name)) out.push(full);
  }
  return out;
}

export function unlocalisedStrings(file: string, src = readFileSync(file, 'utf8')): Finding[] {
  const rel = path.relative(root, file);
  return (file.endsWith('.svelte') ? scanSvelte(rel, src) : scanTs(rel, src)).sort((a, b) => a.line - b.line);
}

describe('interface text comes from the message catalogues', () => {
  it('no component or renderer module shows text written in the code', () => {
    const findings = rendererFiles(path.join(root, 'src-renderer')).flatMap((f) => unlocalisedStrings(f));
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
