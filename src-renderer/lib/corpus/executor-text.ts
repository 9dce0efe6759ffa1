/** Who can analyse a batch, worded in the interface's language: its name, and why it cannot take work now. */
import type { ExecutorView } from '../../../src-shared/contract/batch.js';
import { t } from '../i18n/i18n.js';
import { notesText } from '../ui/notes.js';

export function executorName(ex: ExecutorView): string {
  if (ex.id === 'local') return t('corpus.localExecutor');
  if (ex.id === 'lab') return t('corpus.labExecutor');
  return ex.label;
}

/** The option's text: the name, and the reason in brackets while it cannot take work. */
export function executorOption(ex: ExecutorView): string {
  if (ex.unavailable === null) return executorName(ex);
  const why = notesText(ex.unavailableNote ? [ex.unavailableNote] : [], ex.unavailable);
  return `${executorName(ex)} (${why})`;
}
