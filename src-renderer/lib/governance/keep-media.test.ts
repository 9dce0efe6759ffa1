import { describe, expect, it } from 'vitest';
import { NO_SCOPES } from '../../../src-shared/governance.js';
import { bestAllowed, mimeTypeFor, neededFor } from './keep-media.js';

const given = (s: Partial<typeof NO_SCOPES>) => ({ status: 'given' as const, scopes: { ...NO_SCOPES, ...s }, version: 1, retainUntil: null });

describe('what a capture may keep', () => {
  it('needs consent for each kept medium, and for analysis when it keeps none', () => {
    expect(neededFor({ video: true, audio: true })).toEqual(['video', 'audio']);
    expect(neededFor({ video: false, audio: true })).toEqual(['audio']);
    expect(neededFor({ video: false, audio: false })).toEqual(['analysis']);
  });
  it('offers the most the consent allows, and nothing without consent', () => {
    expect(bestAllowed(given({ video: true, audio: true, analysis: true }))).toBe('all');
    expect(bestAllowed(given({ audio: true }))).toBe('audio');
    expect(bestAllowed(given({ analysis: true }))).toBe('none');
    expect(bestAllowed(given({ video: true }))).toBeNull();
    expect(bestAllowed({ status: 'not_recorded', scopes: NO_SCOPES, version: null, retainUntil: null })).toBeNull();
  });
  it('records audio only as Opus WebM and keeps no container at all for results only', () => {
    const supported = (t: string) => t === 'audio/webm;codecs=opus';
    expect(mimeTypeFor({ video: true, audio: true }, 'video/webm;codecs=vp8,opus', supported)).toBe('video/webm;codecs=vp8,opus');
    expect(mimeTypeFor({ video: false, audio: true }, 'video/webm', supported)).toBe('audio/webm;codecs=opus');
    expect(mimeTypeFor({ video: false, audio: false }, 'video/webm', supported)).toBeNull();
  });
});
