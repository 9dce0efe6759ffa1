import type { VoiceWindowResult } from '../../../../src-shared/contract/voice.js';
import type { SileroVad } from '../../inference/voice/vad.js';
import type { PrecomputedVad } from './precomputed-vad.js';
import type { VoiceStream } from './voice-stream.js';

/**
 * VoiceStream for a file: decoded audio is gathered into spans, the VAD in lanes (SileroVad with DEFAULT_LANES)
 * computes a whole span's speech probabilities in one batched worker call, and only then does the span go
 * through the stream (which reads those probabilities from a PrecomputedVad). Results come a span at a time.
 */
export class FileVoiceStream {
  // Reused for every span: the VAD and the stream copy what they keep.
  private readonly span: Float32Array;
  private fill = 0;
  private finished = false;

  constructor(
    private readonly vad: SileroVad,
    private readonly ahead: PrecomputedVad,
    private readonly stream: VoiceStream,
    private readonly spanSamples: number,
  ) {
    if (spanSamples % vad.frameSamples) throw new Error('A VAD span must be whole frames');
    this.span = new Float32Array(spanSamples);
  }

  /** Samples the stream has analysed so far (a whole span behind what was pushed, at most). */
  get samples(): number {
    return this.stream.samples;
  }

  async push(block: Float32Array): Promise<VoiceWindowResult[]> {
    if (this.finished) throw new Error('Voice stream already finished');
    const out: VoiceWindowResult[] = [];
    for (let i = 0; i < block.length; ) {
      const take = Math.min(block.length - i, this.spanSamples - this.fill);
      this.span.set(block.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill === this.spanSamples) out.push(...(await this.analyzeSpan()));
    }
    return out;
  }

  async finish(): Promise<VoiceWindowResult[]> {
    if (this.finished) return [];
    const out = this.fill > 0 ? await this.analyzeSpan() : [];
    this.finished = true;
    out.push(...(await this.stream.finish()));
    return out;
  }

  private async analyzeSpan(): Promise<VoiceWindowResult[]> {
    const part = this.span.subarray(0, this.fill);
    this.ahead.supply(await this.vad.span(part));
    const out = await this.stream.push(part);
    this.fill = 0;
    return out;
  }
}
