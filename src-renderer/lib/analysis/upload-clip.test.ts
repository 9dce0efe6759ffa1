import { describe, expect, it } from 'vitest';
import type { MethodName } from '../../../src-shared/contract/index.js';
import { type Call, uploadClip } from './upload-clip.js';

function fakeCore(failAtChunk: number | null = null) {
  const log: Array<{ method: MethodName; input: Record<string, unknown> }> = [];
  const received: number[] = [];
  const call = (async (method: MethodName, input: Record<string, unknown>) => {
    log.push({ method, input });
    if (method === 'media.importBegin') return { uploadId: '00000000-0000-4000-8000-000000000000' };
    if (method === 'media.importChunk') {
      if (input.seq === failAtChunk) throw new Error('disk full');
      received.push(...(input.data as Uint8Array));
      return { received: received.length };
    }
    if (method === 'media.importFinish') return { fileName: 'a.mp4', ok: false, message: 'a.mp4: Cannot read media file' };
    return { aborted: true };
  }) as unknown as Call;
  return { call, log, received };
}

describe('uploadClip', () => {
  it('sends the file in numbered chunks and returns the core\'s verdict', async () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    const core = fakeCore();
    const progress: number[] = [];
    const out = await uploadClip(core.call, 3, new File([bytes], 'a.mp4'), { chunkBytes: 4, onProgress: (s) => progress.push(s) });
    expect(out).toEqual({ fileName: 'a.mp4', ok: false, message: 'a.mp4: Cannot read media file' });
    expect(core.log.map((l) => l.method)).toEqual(['media.importBegin', 'media.importChunk', 'media.importChunk', 'media.importChunk', 'media.importFinish']);
    expect(core.log[0].input).toEqual({ sessionId: 3, fileName: 'a.mp4', size: 10 });
    expect(core.log.slice(1, 4).map((l) => l.input.seq)).toEqual([0, 1, 2]);
    expect(core.received).toEqual([...bytes]);
    expect(progress).toEqual([4, 8, 10]);
  });

  it('aborts the upload on the core when a chunk fails', async () => {
    const core = fakeCore(1);
    await expect(uploadClip(core.call, 3, new File([new Uint8Array(10)], 'a.mp4'), { chunkBytes: 4 })).rejects.toThrow('disk full');
    expect(core.log[core.log.length - 1].method).toBe('media.importAbort');
  });
});
