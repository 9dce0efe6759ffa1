import workletUrl from './pcm-capture-worklet.ts?worker&url';
import type { PcmWorkletMessage } from './pcm-capture-worklet.js';
import { t } from '../i18n/i18n.js';

export interface MicPcmBlock {
  /** 16 kHz mono float32. */
  pcm: Float32Array;
  /** AudioContext time of the first sample, ms (map to the media clock with the recording's start time). */
  contextMs: number;
  /** 16 kHz samples before this block since start. */
  sampleIndex: number;
}

export interface MicPcmStream {
  readonly context: AudioContext;
  /** Current AudioContext time in ms, to line the blocks up with a MediaRecorder started at the same moment. */
  nowMs(): number;
  stop(): Promise<void>;
}

/**
 * Captures a microphone track as 16 kHz mono PCM blocks through an AudioWorklet (off the main thread, no
 * ScriptProcessor). The AudioContext runs at the device rate; the worklet resamples. The stream's audio is not
 * played back.
 */
export async function startMicPcm(stream: MediaStream, onBlock: (b: MicPcmBlock) => void, opts: { blockMs?: number } = {}): Promise<MicPcmStream> {
  if (!stream.getAudioTracks().length) throw new Error(t('devices.noMicTrack'));
  const context = new AudioContext({ latencyHint: 'interactive' });
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'pcm-capture-16k', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCountMode: 'explicit',
      channelCount: Math.min(2, source.channelCount || 1),
      processorOptions: { blockMs: opts.blockMs ?? 100 },
    });
    node.port.onmessage = (e: MessageEvent<PcmWorkletMessage>) => {
      onBlock({ pcm: e.data.pcm, contextMs: e.data.contextTime * 1000, sampleIndex: e.data.sampleIndex });
    };
    source.connect(node);
    if (context.state === 'suspended') await context.resume();
    return {
      context,
      nowMs: () => context.currentTime * 1000,
      async stop() {
        node.port.postMessage({ type: 'stop' });
        source.disconnect();
        node.port.onmessage = null;
        await context.close();
      },
    };
  } catch (e) {
    await context.close().catch(() => undefined);
    throw new Error(t('devices.micAnalysisFailed', { error: (e as Error).message }));
  }
}
