// The message catalogues stay complete and consistent: every key is in every language (with the plural forms
// that language needs), each translation uses the same {{placeholders}} as the English, and nothing is empty.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LOCALES, matchLocale, resolveLocale, translator, type Catalogue, type Locale } from './i18n.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

/** Base keys, with the plural categories each one has in this catalogue (empty for plain messages). */
function keysOf(c: Catalogue): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const key of flatten(c).keys()) {
    const m = PLURAL.exec(key);
    const base = m ? key.slice(0, m.index) : key;
    if (!out.has(base)) out.set(base, new Set());
    if (m) out.get(base)!.add(m[1]);
  }
  return out;
}

const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]))].sort();

/** What a catalogue lacks next to the English one, as "locale: key" lines. */
export function catalogueProblems(base: Catalogue, other: Catalogue, locale: Locale): string[] {
  const problems: string[] = [];
  const baseKeys = keysOf(base);
  const otherKeys = keysOf(other);
  const need = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
  for (const [key, forms] of baseKeys) {
    const have = otherKeys.get(key);
    if (!have) {
      problems.push(`${locale}: missing ${key}`);
    } else if (forms.size) {
      for (const f of need) if (!have.has(f)) problems.push(`${locale}: missing ${key}_${f}`);
    } else if (have.size) {
      problems.push(`${locale}: ${key} is plural only here`);
    }
  }
  for (const key of otherKeys.keys()) if (!baseKeys.has(key)) problems.push(`${locale}: ${key} is not in the English catalogue`);
  const b = flatten(base);
  const o = flatten(other);
  for (const [key, text] of o) {
    if (!text.trim()) problems.push(`${locale}: ${key} is empty`);
    const baseKey = PLURAL.test(key) ? [...b.keys()].find((k) => k.replace(PLURAL, '') === key.replace(PLURAL, '')) : key;
    const en = baseKey ? b.get(baseKey) : undefined;
    if (en !== undefined && placeholders(en).join() !== placeholders(text).join()) problems.push(`${locale}: ${key} has {{${placeholders(text).join('}}, {{')}}} but English has {{${placeholders(en).join('}}, {{')}}}`);
  }
  return problems;
}

describe('message catalogues', () => {
  it('have every key in every language, with the same placeholders, none empty', () => {
    for (const locale of LOCALES) expect(catalogueProblems(CATALOGUES.en, CATALOGUES[locale], locale)).toEqual([]);
  });

  it('the check fails on a missing key, a missing plural form and a lost placeholder (it can fail)', () => {
    const en: Catalogue = { a: { x: 'Hello {{name}}', n_one: '{{count}} file', n_other: '{{count}} files' }, b: 'Bye' };
    const zh: Catalogue = { a: { x: '你好', n_one: '{{count}} 个文件' } };
    expect(catalogueProblems(en, zh, 'zh-CN')).toEqual([
      'zh-CN: missing a.n_other',
      'zh-CN: missing b',
      'zh-CN: a.x has {{}} but English has {{name}}',
    ]);
  });

  it('translates with plurals and Intl number formatting per language', () => {
    expect(translator('en')('capture.chunks', { count: 1 })).toBe('(1 chunk)');
    expect(translator('en')('capture.chunks', { count: 3 })).toBe('(3 chunks)');
    expect(translator('zh-CN')('capture.chunks', { count: 3 })).toBe('（3 个数据块）');
    expect(translator('zh-CN')('nav.sessions')).toBe('会话');
  });

  it('follows the system language unless one is chosen', () => {
    expect(matchLocale(['zh-Hans-CN', 'en-US'])).toBe('zh-CN');
    expect(matchLocale(['zh_CN.UTF-8'])).toBe('zh-CN');
    expect(matchLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(matchLocale(['fr-FR'])).toBe('en');
    expect(matchLocale([])).toBe('en');
    expect(resolveLocale('system', ['zh-TW'])).toBe('zh-CN');
    expect(resolveLocale('en', ['zh-CN'])).toBe('en');
    expect(resolveLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  });
});
