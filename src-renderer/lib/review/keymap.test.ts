import { describe, expect, it } from 'vitest';
import { actionFor, type KeyLike, nextSpeed } from './keymap.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('Review key map', () => {
  it('maps the documented keys to their actions', () => {
    expect(actionFor(key(' '))).toEqual({ action: 'playPause' });
    expect(actionFor(key('ArrowRight'))).toEqual({ action: 'frameForward' });
    expect(actionFor(key('ArrowLeft', { shiftKey: true }))).toEqual({ action: 'secondBack' });
    expect(actionFor(key('i'))).toEqual({ action: 'markIn' });
    expect(actionFor(key('I', { shiftKey: true }))).toEqual({ action: 'setStart' });
    expect(actionFor(key('1'))).toEqual({ action: 'label', index: 0 });
    expect(actionFor(key('0'))).toEqual({ action: 'label', index: 9 });
    expect(actionFor(key('z', { ctrlKey: true }))).toEqual({ action: 'undo' });
    expect(actionFor(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ action: 'redo' });
    expect(actionFor(key('z', { metaKey: true }))).toEqual({ action: 'undo' });
    expect(actionFor(key('y', { ctrlKey: true }))).toEqual({ action: 'redo' });
  });

  it('leaves browser and system shortcuts alone', () => {
    expect(actionFor(key('r', { ctrlKey: true }))).toBeNull();
    expect(actionFor(key('ArrowLeft', { altKey: true }))).toBeNull();
    expect(actionFor(key('1', { ctrlKey: true }))).toBeNull();
    expect(actionFor(key('q'))).toBeNull();
  });

  it('steps speed through 0.25× … 4× and stops at the ends', () => {
    expect(nextSpeed(1, 1)).toBe(1.25);
    expect(nextSpeed(1, -1)).toBe(0.75);
    expect(nextSpeed(4, 1)).toBe(4);
    expect(nextSpeed(0.25, -1)).toBe(0.25);
    expect(nextSpeed(0.6, 1)).toBe(0.75);
  });
});
