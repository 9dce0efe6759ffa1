/**
 * Message catalogues (en, zh-CN) and translation through i18next, the same for the renderer, the report and
 * the CLI. i18next does the lookup, interpolation and plural rules (Intl.PluralRules); this module only adds
 * typed keys (a key that is not in the English catalogue is a type error) and picks the locale.
 *
 * Catalogues: locales/<locale>.json, nested by area (`capture.title`). Plurals follow i18next: `key_one` and
 * `key_other` in English, `key_other` in Chinese, called as t('key', { count }). Values are plain text:
 * Svelte and the PDF writer escape them, so i18next's HTML escaping is off.
 */
import i18next, { type TFunction } from 'i18next';
import en from './locales/en.json' with { type: 'json' };
import zhCN from './locales/zh-CN.json' with { type: 'json' };

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The language setting: follow the system, or one of the catalogues. */
export const LANGUAGE_PREFERENCES = ['system', ...LOCALES] as const;
export type LanguagePreference = (typeof LANGUAGE_PREFERENCES)[number];

export function isLocale(x: unknown): x is Locale {
  return typeof x === 'string' && (LOCALES as readonly string[]).includes(x);
}

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, 'zh-CN': zhCN };

export interface Catalogue {
  [key: string]: string | Catalogue;
}

type PluralSuffix = '_zero' | '_one' | '_two' | '_few' | '_many' | '_other';
type StripPlural<K extends string> = K extends `${infer Base}${PluralSuffix}` ? Base : K;
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? StripPlural<`${P}${K}`> : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every key of the English catalogue (plural variants under their base key). */
export type MessageKey = Leaves<typeof en>;
export type MessageVars = Record<string, string | number | Date | null | undefined> & { count?: number };

export type Translate = (key: MessageKey, vars?: MessageVars) => string;

const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: CATALOGUES[l] }])),
  lng: DEFAULT_LOCALE,
  // A key missing in Chinese reads in English rather than as its key (the catalogue test catches it first).
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  // Keys are exactly 'en' and 'zh-CN': do not also look for 'zh'.
  load: 'currentOnly',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

const fixed = new Map<Locale, TFunction>();

/** A translate function bound to one locale (safe to hold: catalogues never change at run time). */
export function translator(locale: Locale): Translate {
  let tf = fixed.get(locale);
  if (!tf) {
    tf = instance.getFixedT(locale);
    fixed.set(locale, tf);
  }
  const t = tf;
  return (key, vars) => t(key, vars as Record<string, unknown>) as string;
}

/**
 * The catalogue for a list of BCP 47 language tags in order of preference (navigator.languages, LANG):
 * any Chinese reads the Simplified Chinese catalogue, English the English one; else English.
 */
export function matchLocale(tags: readonly (string | null | undefined)[]): Locale {
  for (const raw of tags) {
    if (!raw) continue;
    // POSIX locales (zh_CN.UTF-8, C.UTF-8) as well as BCP 47 tags.
    const tag = raw.split('.')[0].replace(/_/g, '-').toLowerCase();
    const lang = tag.split('-')[0];
    if (lang === 'zh') return 'zh-CN';
    if (lang === 'en') return 'en';
  }
  return DEFAULT_LOCALE;
}

export function resolveLocale(preference: LanguagePreference | null | undefined, systemTags: readonly (string | null | undefined)[]): Locale {
  return isLocale(preference) ? preference : matchLocale(systemTags);
}
