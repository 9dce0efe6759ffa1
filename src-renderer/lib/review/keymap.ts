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
  /** As shown to the user, e.g. "Ctrl+Shift+Z". */
  keys: string[];
  description: string;
  group: 'Playback' | 'Labelling' | 'Timeline';
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { action: 'playPause', keys: ['Space', 'K'], description: 'Play / pause', group: 'Playback' },
  { action: 'frameBack', keys: ['←', ','], description: 'One frame back (pauses)', group: 'Playback' },
  { action: 'frameForward', keys: ['→', '.'], description: 'One frame forward (pauses)', group: 'Playback' },
  { action: 'secondBack', keys: ['Shift+←'], description: 'One second back', group: 'Playback' },
  { action: 'secondForward', keys: ['Shift+→'], description: 'One second forward', group: 'Playback' },
  { action: 'toStart', keys: ['Home'], description: 'Go to the start', group: 'Playback' },
  { action: 'toEnd', keys: ['End'], description: 'Go to the end', group: 'Playback' },
  { action: 'slower', keys: ['['], description: 'Slower (down to 0.25×)', group: 'Playback' },
  { action: 'faster', keys: [']'], description: 'Faster (up to 4×)', group: 'Playback' },
  { action: 'normalSpeed', keys: ['='], description: 'Normal speed (1×)', group: 'Playback' },
  { action: 'markIn', keys: ['I'], description: 'Mark in (segment start) at the playhead', group: 'Labelling' },
  { action: 'markOut', keys: ['O'], description: 'Mark out (segment end) at the playhead', group: 'Labelling' },
  { action: 'label', keys: ['1', '…', '9', '0'], description: 'Choose label: makes a segment from the marks on the active tier, or relabels the selected segment', group: 'Labelling' },
  { action: 'split', keys: ['S'], description: 'Split the segment under the playhead (active tier)', group: 'Labelling' },
  { action: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selected segment', group: 'Labelling' },
  { action: 'note', keys: ['N'], description: 'Write a note on the selected segment', group: 'Labelling' },
  { action: 'setStart', keys: ['Shift+I'], description: 'Move the selected segment’s start to the playhead', group: 'Labelling' },
  { action: 'setEnd', keys: ['Shift+O'], description: 'Move the selected segment’s end to the playhead', group: 'Labelling' },
  { action: 'prevTier', keys: ['↑'], description: 'Previous tier (rater)', group: 'Labelling' },
  { action: 'nextTier', keys: ['↓'], description: 'Next tier (rater)', group: 'Labelling' },
  { action: 'prevSegment', keys: ['PageUp'], description: 'Select the previous segment and go to it', group: 'Labelling' },
  { action: 'nextSegment', keys: ['PageDown'], description: 'Select the next segment and go to it', group: 'Labelling' },
  { action: 'clear', keys: ['Esc'], description: 'Clear marks and selection, close this help', group: 'Labelling' },
  { action: 'undo', keys: ['Ctrl+Z'], description: 'Undo the last label change', group: 'Labelling' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'Redo', group: 'Labelling' },
  { action: 'zoomIn', keys: ['+'], description: 'Zoom in around the playhead (also Ctrl+wheel)', group: 'Timeline' },
  { action: 'zoomOut', keys: ['-'], description: 'Zoom out (also Ctrl+wheel)', group: 'Timeline' },
  { action: 'zoomFit', keys: ['F'], description: 'Show the whole session', group: 'Timeline' },
  { action: 'help', keys: ['?'], description: 'Show or hide this list', group: 'Timeline' },
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
