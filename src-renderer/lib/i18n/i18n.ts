/**
 * The interface language. `t()` and `locale()` are reactive: a template or $derived that calls them
 * updates when the language changes in Settings, without a reload (svelte/reactivity's createSubscriber, so
 * this plain module also works in unit tests). The language follows the system (navigator.languages: the
 * OS language in Electron, the browser's in browser mode) unless one is chosen in Settings.
 */
import { createSubscriber } from 'svelte/reactivity';
import { LANGUAGE_PREFERENCES, resolveLocale, translator, type LanguagePreference, type Locale, type MessageKey, type MessageVars, type Translate } from '../../../src-shared/i18n/i18n.js';

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

let preference: LanguagePreference = 'system';
let current: Locale = resolveLocale(preference, systemLanguages());
let translate: Translate = translator(current);
let changed: () => void = () => {};
const subscribe = createSubscriber((update) => {
  changed = update;
  return () => (changed = () => {});
});

function apply(): void {
  current = resolveLocale(preference, systemLanguages());
  translate = translator(current);
  // <html lang> makes the browser pick Simplified Chinese glyph forms and fonts.
  if (typeof document !== 'undefined') document.documentElement.lang = current;
  changed();
}

const REMEMBERED = 'affect-studio.language';

/** Follow the system ('system') or use one catalogue. */
export function setLanguage(p: LanguagePreference): void {
  // Remembered on this machine for the lock screen, which is shown before the data folder (and its
  // settings) can be read.
  try {
    localStorage.setItem(REMEMBERED, p);
  } catch {
    /* no storage: the lock screen follows the system */
  }
  if (p === preference) return;
  preference = p;
  apply();
}

/** The language last set on this machine, if any. */
export function rememberedLanguage(): LanguagePreference | null {
  try {
    const v = localStorage.getItem(REMEMBERED);
    return (LANGUAGE_PREFERENCES as readonly string[]).includes(v ?? '') ? (v as LanguagePreference) : null;
  } catch {
    return null;
  }
}

export function languagePreference(): LanguagePreference {
  subscribe();
  return preference;
}

/** The current locale, for Intl formatting. */
export function locale(): Locale {
  subscribe();
  return current;
}

/**
 * The locale numbers and dates are written in: the system's own regional variant when it speaks the interface's
 * language (en-GB, en-AU, zh-SG …), else the catalogue's locale.
 */
export function formatLocale(): string {
  subscribe();
  const system = systemLanguages()[0];
  if (preference === 'system' && system && system.split('-')[0].toLowerCase() === current.split('-')[0]) {
    try {
      return Intl.getCanonicalLocales(system)[0];
    } catch {
      return current;
    }
  }
  return current;
}

/** A message in the current language. */
export function t(key: MessageKey, vars?: MessageVars): string {
  subscribe();
  return translate(key, vars);
}

if (typeof document !== 'undefined') document.documentElement.lang = current;
if (typeof window !== 'undefined') window.addEventListener('languagechange', apply);
