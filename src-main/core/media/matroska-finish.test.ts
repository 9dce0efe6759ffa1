import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { ffmpegPath, probeMedia, runFfmpeg } from './ffmpeg.js';
import { finishMatroska, type PatchableSink } from './matroska-finish.js';

const dir = tempDir('affect-mkv-');
let src: string;

beforeAll(async () => {
  src = await makeWebm(path.join(dir, 'src.webm'), 8);
}, 180_000);

/** ffmpeg remuxing to a pipe: what it writes when it cannot seek back in its output. */
function streamedRemux(file: string): AsyncIterable<Buffer> {
  const p = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', file, '-map', '0', '-c', 'copy', '-f', 'webm', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return p.stdout;
}

/** A clear file standing in for the encrypted writer: appends, then rewrites its first bytes at close. */
function fileSink(file: string): PatchableSink {
  const out = createWriteStream(file);
  return {
    headBytes: 64 * 1024,
    write: (d) => new Promise((resolve, reject) => out.write(d, (e) => (e ? reject(e) : resolve()))),
    close: async (patch) => {
      await new Promise<void>((resolve) => out.end(resolve));
      const fd = openSync(file, 'r+');
      const head = Buffer.alloc(64 * 1024);
      const n = readSync(fd, head, 0, head.length, 0);
      patch(head.subarray(0, n));
      writeSync(fd, head, 0, n, 0);
      closeSync(fd);
    },
  };
}

/** [cue time, cluster position] pairs and the byte offset of the segment's data. */
function cuesOf(file: string): { cues: Array<[number, number]>; segmentData: number; durationSeen: boolean } {
  const b = readFileSync(file);
  const vint = (at: number) => {
    const len = Math.clz32(b[at]) - 23;
    let v = b[at] & (0xff >> len);
    for (let i = 1; i < len; i++) v = v * 256 + b[at + i];
    return { v, len };
  };
  const idAt = (at: number) => {
    const len = Math.clz32(b[at]) - 23;
    return { id: b.readUIntBE(at, len), len };
  };
  const walk = (from: number, to: number, fn: (id: number, data: number, end: number) => void) => {
    for (let at = from; at < to; ) {
      const id = idAt(at);
      const size = vint(at + id.len);
      const data = at + id.len + size.len;
      fn(id.id, data, data + size.v);
      at = data + size.v;
    }
  };
  let segmentData = 0;
  let durationSeen = false;
  const cues: Array<[number, number]> = [];
  walk(0, b.length, (id, data, end) => {
    if (id !== 0x18538067) return;
    segmentData = data;
    walk(data, end, (cid, cdata, cend) => {
      if (cid === 0x1549a966) walk(cdata, cend, (iid) => (durationSeen ||= iid === 0x4489));
      if (cid !== 0x1c53bb6b) return;
      walk(cdata, cend, (_p, pdata, pend) => {
        let time = -1;
        let pos = -1;
        walk(pdata, pend, (pid, d, e) => {
          if (pid === 0xb3) time = b.readUIntBE(d, e - d);
          if (pid === 0xb7) walk(d, e, (tid, td, te) => tid === 0xf1 && (pos = b.readUIntBE(td, te - td)));
        });
        cues.push([time, pos]);
      });
    });
  });
  return { cues, segmentData, durationSeen };
}

async function frameHashes(file: string, stream: string): Promise<string[]> {
  const out = path.join(dir, `hash-${Math.random()}.txt`);
  await runFfmpeg(['-i', file, '-map', stream, '-f', 'framemd5', out]);
  return readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
}

describe('finishing a streamed WebM', () => {
  it('gives it a duration, a segment size and cues at the keyframes, without changing a frame', async () => {
    const seekable = path.join(dir, 'seekable.webm');
    await runFfmpeg(['-i', src, '-map', '0', '-c', 'copy', seekable]);
    const finished = path.join(dir, 'finished.webm');
    const result = await finishMatroska(streamedRemux(src), fileSink(finished));

    const expected = await probeMedia(seekable);
    const got = await probeMedia(finished);
    expect(got.durationMs).not.toBeNull();
    expect(Math.abs(got.durationMs! - expected.durationMs!)).toBeLessThan(50);
    expect(Math.abs(result.durationMs - expected.durationMs!)).toBeLessThan(50);
    expect(got.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);

    const { cues, segmentData, durationSeen } = cuesOf(finished);
    expect(durationSeen).toBe(true);
    expect(cues.length).toBe(result.cues);
    expect(cues.length).toBeGreaterThanOrEqual(2);
    const bytes = readFileSync(finished);
    for (const [, pos] of cues) expect(bytes.readUInt32BE(segmentData + pos)).toBe(0x1f43b675);
    // Every packet the same, in the same order, with the same timestamps.
    expect(await frameHashes(finished, '0:v')).toEqual(await frameHashes(seekable, '0:v'));
    expect(await frameHashes(finished, '0:a')).toEqual(await frameHashes(seekable, '0:a'));
  });

  it('cues each cluster of an audio-only stream', async () => {
    const audio = path.join(dir, 'voice.webm');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=48000:duration=6', '-c:a', 'libopus', audio]);
    const finished = path.join(dir, 'voice-finished.webm');
    await finishMatroska(streamedRemux(audio), fileSink(finished));
    const probed = await probeMedia(finished);
    expect(probed.durationMs).toBeGreaterThan(5900);
    expect(cuesOf(finished).cues.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses what is not a Matroska stream', async () => {
    const junk = (async function* () {
      yield Buffer.from('not matroska at all');
    })();
    await expect(finishMatroska(junk, fileSink(path.join(dir, 'junk.webm')))).rejects.toThrow(/EBML|element/);
  });
});
