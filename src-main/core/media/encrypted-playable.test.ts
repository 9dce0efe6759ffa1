/**
 * #19's corpus import on an encrypted data folder (#18): an AVI the browser cannot play gets its playable copy
 * and a WAV goes in as an audio-only clip. Then nothing under the data folder holds the participant's code, the
 * session's note or a media header (WebM/Matroska, RIFF/AVI/WAVE, ffmpeg's muxer tag), ffprobe reads none of
 * the stored files, no file was left in the temporary folder while the copy was made (ffmpeg reads the original
 * through the decrypting tap and writes the copy to a pipe), and the copy still plays by byte ranges.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaResponse } from '../../electron/media-response.js';
import { uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import { type AppCore, createCore } from '../app-core.js';
import { endpointOf } from '../app-endpoint.js';
import { openClipFile } from '../cli/clip-file.js';
import { sessionFolder } from '../recording/session-folder.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { ffprobeReads } from '../test-support/sealed-probe.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';
import { ffprobePath, probeMedia, runFfmpeg } from './ffmpeg.js';
import { sha256OfFile } from './import-media.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';
const CODE = 'P-ENC-7731';
const NOTE = 'mother attended, said the word hummingbird';
let avi: string;
let wav: string;
let dataDir: string;
let scratchTmp: string;
let core: AppCore;
let sessionId: number;
const stored: Record<'avi' | 'wav' | 'copy', string> = { avi: '', wav: '', copy: '' };
const originalTmp = process.env.TMPDIR;

beforeAll(async () => {
  const src = tempDir('affect-encplay-src-');
  avi = path.join(src, `${CODE} visit.avi`);
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=3', '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', '-shortest', avi]);
  wav = path.join(src, `${CODE} speech.wav`);
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=200:sample_rate=16000:duration=2', '-c:a', 'pcm_s16le', wav]);
  dataDir = tempDir('affect-encplay-data-');
  scratchTmp = tempDir('affect-encplay-tmp-');
  const { file, keys } = await newKeyFile('corpus passphrase');
  writeKeyFile(dataDir, file);
  core = await createCore({ dataDir, keys });

  // Whatever this process or ffmpeg would put in the temporary folder while importing lands here.
  process.env.TMPDIR = scratchTmp;
  const ctx = operatorCtx(core);
  const api = directClient(core, ctx);
  const pid = consentedParticipant(core, CODE);
  sessionId = core.services.sessions.create({ participantId: pid, protocol: 'corpus', operatorId: ctx.operatorId, note: NOTE }).id;
  for (const [kind, file] of [['avi', avi], ['wav', wav]] as const) {
    const opened = await openClipFile(file);
    if (!('source' in opened)) throw new Error(opened.message);
    try {
      const outcome = await uploadClipSource(api.call.bind(api), sessionId, opened.source);
      if (!outcome.ok) throw new Error(outcome.message);
      stored[kind] = path.join(sessionFolder(dataDir, sessionId), outcome.media.fileName);
      if (kind === 'avi') {
        if (!outcome.playableCopy) throw new Error(`no playable copy: ${outcome.warning ?? ''}`);
        stored.copy = path.join(sessionFolder(dataDir, sessionId), outcome.playableCopy.media.fileName);
      } else {
        expect(outcome.media).toMatchObject({ hasVideo: false, hasAudio: true });
      }
    } finally {
      await opened.close();
    }
  }
  process.env.TMPDIR = originalTmp;
}, 180_000);

afterAll(async () => {
  process.env.TMPDIR = originalTmp;
  await core?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe('imported clips and playable copies in an encrypted data folder', () => {
  it('leave no participant code, note or media header in any file under the data folder, and no temporary file', () => {
    const files = filesUnder(dataDir);
    expect(files).toEqual(expect.arrayContaining([stored.avi, stored.wav, stored.copy]));
    // Needles of 7 bytes or more (or anchored at the start of the file), which every clear file of the kind holds:
    // a 4-byte one turns up by chance in a few MB of ciphertext (it did: "WAVE" at byte 18,219 of a sealed WAV).
    const needles: Array<[string, Buffer]> = [
      ['participant code', Buffer.from(CODE)],
      ['note', Buffer.from(NOTE)],
      ['EBML versions (WebM/Matroska header)', Buffer.from([0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01])],
      ['DocType webm', Buffer.from([0x42, 0x82, 0x84, ...Buffer.from('webm')])],
      ['matroska', Buffer.from('matroska')],
      ['WAVE format chunk', Buffer.from('WAVEfmt ')],
      ['AVI list', Buffer.from('AVI LIST')],
    ];
    const starts: Array<[string, Buffer]> = [
      ['EBML (WebM/Matroska) header', Buffer.from([0x1a, 0x45, 0xdf, 0xa3])],
      ['RIFF', Buffer.from('RIFF')],
    ];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const [what, needle] of needles) expect(bytes.includes(needle), `${what} in ${path.relative(dataDir, f)}`).toBe(false);
      for (const [what, head] of starts) expect(bytes.subarray(0, head.length).equals(head), `${what} at the start of ${path.relative(dataDir, f)}`).toBe(false);
      expect(/Lavf\d+\.\d+\.\d+/.test(bytes.toString('latin1')), `ffmpeg's muxer tag in ${path.relative(dataDir, f)}`).toBe(false);
    }
    expect(filesUnder(scratchTmp)).toEqual([]);
  });

  it('ffprobe reads none of the stored media files', async () => {
    for (const f of [stored.avi, stored.wav, stored.copy]) {
      const seen = await ffprobeReads(ffprobePath(), f);
      expect(seen.readable, `${path.basename(f)}: ${seen.said}`).toBe(false);
    }
  });

  it('the copy is the original, playable, with its hash recorded; unlocked, it plays by byte ranges', async () => {
    const session = core.services.sessions.get(sessionId);
    const copy = session.media.find((m) => m.fileName === path.basename(stored.copy))!;
    const original = session.media.find((m) => m.fileName === path.basename(stored.avi))!;
    expect(copy).toMatchObject({ playable: true, derivedFrom: original.id, mimeType: 'video/webm', sourceSha256: await sha256OfFile(avi) });
    // Hashes and sizes are of the clips themselves, not of their sealed form.
    expect(copy.sha256).toBe(await sha256OfFile(stored.copy));
    expect(original.bytes).toBe(statSync(avi).size);
    const probed = await probeMedia(stored.copy); // through the folder's decrypting tap
    expect(probed.formatName).toContain('webm');
    expect(probed.streams.map((s) => s.codec).sort()).toEqual(['opus', 'vp9']);
    expect(probed.durationMs).toBeGreaterThan(2800);
    const wavProbe = await probeMedia(stored.wav);
    expect(wavProbe.streams.map((s) => s.type)).toEqual(['audio']);

    const opened = await endpointOf(core).openMedia(sessionId, copy.fileName);
    if (!opened.ok) throw new Error(opened.why);
    const parts: Buffer[] = [];
    for await (const p of opened.reader.range(0, opened.reader.size - 1)) parts.push(p);
    const whole = Buffer.concat(parts);
    await opened.reader.close();
    expect(whole.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBe(true);
    const [a, b] = [Math.floor(whole.length / 3), Math.floor(whole.length / 3) + 70_000];
    const res = mediaResponse(await endpointOf(core).openMedia(sessionId, copy.fileName), copy.fileName, `bytes=${a}-${b}`);
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(whole.subarray(a, b + 1))).toBe(true);
  });
});
