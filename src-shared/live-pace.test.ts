import { describe, expect, it } from 'vitest';
import { behindReason } from './live-pace.js';

describe('live analysis pace', () => {
  it('keeps quiet while results come often and fresh', () => {
    expect(behindReason({ faceHz: 9, faceLatencyMs: 120, voiceLatencyMs: 300, faceResults: 50 })).toBeNull();
    // Too few results yet to judge a rate.
    expect(behindReason({ faceHz: 1, faceLatencyMs: null, voiceLatencyMs: null, faceResults: 2 })).toBeNull();
  });
  it('says so when results are rare or late, naming which', () => {
    expect(behindReason({ faceHz: 3.2, faceLatencyMs: 180, voiceLatencyMs: null, faceResults: 40 })).toMatch(/^Live analysis is falling behind \(face results 3\.2 a second \(under 5\)\)/);
    expect(behindReason({ faceHz: 8, faceLatencyMs: 650, voiceLatencyMs: 900, faceResults: 40 })).toMatch(/face results 650 ms late, voice results 900 ms late/);
  });
});
