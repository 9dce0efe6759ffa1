/**
 * The Review keyboard map: one list that the key handler, the "?" overlay and docs/review-keys.md all follow
 * (a unit test checks the document lists every binding). Keys follow what ELAN and BORIS users expect where
 * those agree, and common video-editor habits (I/O marks, [ ] speed) elsewhere.
 */
export type ReviewAction =
  | 'playPause'
  | 'frameBack'
  | 'frameForward'
  | 'secondBack'
  | 'secondForward'
  | 'toStart'
  | 'toEnd'
  | 'slower'
  | 'faster'
  | 'normalSpeed'
  | 'markIn'
  | 'markOut'
  | 'label'
  | 'split'
  | 'delete'
  | 'note'
  | 'setStart'
  | 'setEnd'
  | 'prevTier'
  | 'nextTier'
  | 'prevSegment'
  | 'nextSegment'
  | 'clear'
  | 'undo'
  | 'redo'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'help';

export interface KeyBinding {
  action: ReviewAction;
  /** As shown to the user, e.g. "Ctrl+Shift+Z" (key caps read the same in every language). */
  keys: string[];
  /** Described in words by the catalogue: keys.action.<action>, under keys.group.<group>. */
  group: 'playback' | 'labelling' | 'timeline';
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { action: 'playPause', keys: ['Space', 'K'], group: 'playback' },
  { action: 'frameBack', keys: ['←', ','], group: 'playback' },
  { action: 'frameForward', keys: ['→', '.'], group: 'playback' },
  { action: 'secondBack', keys: ['Shift+←'], group: 'playback' },
  { action: 'secondForward', keys: ['Shift+→'], group: 'playback' },
  { action: 'toStart', keys: ['Home'], group: 'playback' },
  { action: 'toEnd', keys: ['End'], group: 'playback' },
  { action: 'slower', keys: ['['], group: 'playback' },
  { action: 'faster', keys: [']'], group: 'playback' },
  { action: 'normalSpeed', keys: ['='], group: 'playback' },
  { action: 'markIn', keys: ['I'], group: 'labelling' },
  { action: 'markOut', keys: ['O'], group: 'labelling' },
  { action: 'label', keys: ['1', '…', '9', '0'], group: 'labelling' },
  { action: 'split', keys: ['S'], group: 'labelling' },
  { action: 'delete', keys: ['Delete', 'Backspace'], group: 'labelling' },
  { action: 'note', keys: ['N'], group: 'labelling' },
  { action: 'setStart', keys: ['Shift+I'], group: 'labelling' },
  { action: 'setEnd', keys: ['Shift+O'], group: 'labelling' },
  { action: 'prevTier', keys: ['↑'], group: 'labelling' },
  { action: 'nextTier', keys: ['↓'], group: 'labelling' },
  { action: 'prevSegment', keys: ['PageUp'], group: 'labelling' },
  { action: 'nextSegment', keys: ['PageDown'], group: 'labelling' },
  { action: 'clear', keys: ['Esc'], group: 'labelling' },
  { action: 'undo', keys: ['Ctrl+Z'], group: 'labelling' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], group: 'labelling' },
  { action: 'zoomIn', keys: ['+'], group: 'timeline' },
  { action: 'zoomOut', keys: ['-'], group: 'timeline' },
  { action: 'zoomFit', keys: ['F'], group: 'timeline' },
  { action: 'help', keys: ['?'], group: 'timeline' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The action a key press asks for, with the label index for number keys; null when it is not ours. */
export function actionFor(e: KeyLike): { action: ReviewAction; index?: number } | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key;
  if (e.altKey) return null;
  if (mod) {
    const lower = k.toLowerCase();
    if (lower === 'z') return { action: e.shiftKey ? 'redo' : 'undo' };
    if (lower === 'y' && !e.shiftKey) return { action: 'redo' };
    return null;
  }
  if (/^[0-9]$/.test(k)) return { action: 'label', index: k === '0' ? 9 : Number(k) - 1 };
  switch (k) {
    case ' ':
    case 'k':
    case 'K':
      return { action: 'playPause' };
    case 'ArrowLeft':
      return { action: e.shiftKey ? 'secondBack' : 'frameBack' };
    case 'ArrowRight':
      return { action: e.shiftKey ? 'secondForward' : 'frameForward' };
    case ',':
      return { action: 'frameBack' };
    case '.':
      return { action: 'frameForward' };
    case 'Home':
      return { action: 'toStart' };
    case 'End':
      return { action: 'toEnd' };
    case '[':
      return { action: 'slower' };
    case ']':
      return { action: 'faster' };
    case '=':
      return { action: 'normalSpeed' };
    case 'i':
      return { action: 'markIn' };
    case 'I':
      return { action: e.shiftKey ? 'setStart' : 'markIn' };
    case 'o':
      return { action: 'markOut' };
    case 'O':
      return { action: e.shiftKey ? 'setEnd' : 'markOut' };
    case 's':
    case 'S':
      return { action: 'split' };
    case 'Delete':
    case 'Backspace':
      return { action: 'delete' };
    case 'n':
    case 'N':
      return { action: 'note' };
    case 'ArrowUp':
      return { action: 'prevTier' };
    case 'ArrowDown':
      return { action: 'nextTier' };
    case 'PageUp':
      return { action: 'prevSegment' };
    case 'PageDown':
      return { action: 'nextSegment' };
    case 'Escape':
      return { action: 'clear' };
    case '+':
      return { action: 'zoomIn' };
    case '-':
      return { action: 'zoomOut' };
    case 'f':
    case 'F':
      return { action: 'zoomFit' };
    case '?':
      return { action: 'help' };
    default:
      return null;
  }
}

/** Playback speeds offered, slowest first. */
export const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4] as const;

export function nextSpeed(current: number, direction: 1 | -1): number {
  if (direction > 0) return SPEEDS.find((s) => s > current + 1e-9) ?? SPEEDS[SPEEDS.length - 1];
  return [...SPEEDS].reverse().find((s) => s < current - 1e-9) ?? SPEEDS[0];
}
