import { describe, expect, it } from 'vitest';
import { behindReasons } from './live-pace.js';

describe('live analysis pace', () => {
  it('keeps quiet while results come often and fresh', () => {
    expect(behindReasons({ faceHz: 9, faceLatencyMs: 120, voiceLatencyMs: 300, faceResults: 50 })).toEqual([]);
    // Too few results yet to judge a rate.
    expect(behindReasons({ faceHz: 1, faceLatencyMs: null, voiceLatencyMs: null, faceResults: 2 })).toEqual([]);
  });
  it('says so when results are rare or late, naming which', () => {
    expect(behindReasons({ faceHz: 3.2, faceLatencyMs: 180, voiceLatencyMs: null, faceResults: 40 })).toEqual([{ kind: 'rate', hz: 3.2 }]);
    expect(behindReasons({ faceHz: 8, faceLatencyMs: 650.4, voiceLatencyMs: 900, faceResults: 40 })).toEqual([
      { kind: 'faceLate', ms: 650 },
      { kind: 'voiceLate', ms: 900 },
    ]);
  });
});
