import { localizeNotes, type Note } from '../../../src-shared/i18n/notes.js';
import { locale } from '../i18n/i18n.js';

/**
 * What the core said about a piece of work (a queue item, an imported clip), in the interface's language;
 * the English it sent along when it names an entry this build lacks.
 */
export function notesText(notes: readonly Note[] | undefined, english: string | null | undefined): string {
  return (notes?.length ? localizeNotes(locale(), notes) : null) ?? english ?? '';
}
