/** True when a key press belongs to a text field, so single-letter shortcuts must leave it alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const field = el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
  if (!field) return false;
  // Buttons-as-inputs take no text.
  return !(field instanceof HTMLInputElement && ['button', 'submit', 'reset', 'checkbox', 'radio', 'range'].includes(field.type));
}

/** A plain key press: no Ctrl/Alt/Meta, so browser and system shortcuts keep working. */
export function isPlainKey(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.altKey && !e.metaKey && !e.repeat;
}
