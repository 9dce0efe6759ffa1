import { describe, expect, it } from 'vitest';
import { chooseMimeType, PREFERRED_MIME_TYPES } from './chunked-recorder.js';
import { recordingMimeSchema } from '../../../src-shared/contract/recording.js';

describe('chooseMimeType', () => {
  it('prefers VP9, falls back to VP8, and gives null when neither can be recorded', () => {
    expect(chooseMimeType(() => true)).toBe('video/webm;codecs=vp9,opus');
    expect(chooseMimeType((t) => t.includes('vp8'))).toBe('video/webm;codecs=vp8,opus');
    expect(chooseMimeType(() => false)).toBeNull();
  });

  it('only offers types the recording sink accepts', () => {
    for (const t of PREFERRED_MIME_TYPES) expect(recordingMimeSchema.safeParse(t).success).toBe(true);
  });
});
