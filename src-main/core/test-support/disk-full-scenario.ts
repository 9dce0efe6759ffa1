/**
 * Run by recording/disk-full.test.ts inside a private mount namespace, with argv[2] a small tmpfs (a real
 * filesystem that really fills up) and argv[3] a WebM clip. Prints one JSON line of what happened.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createCore } from '../app-core.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';
import { consentedParticipant, operatorCtx } from './governance.js';

const [dataDir, clip] = process.argv.slice(2);
const bytes = readFileSync(clip);
const chunk = (i: number) => bytes.subarray(i * 40_000, (i + 1) * 40_000);

function fill(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    /* full */
  } finally {
    closeSync(fd);
  }
}

// AFFECT_SCENARIO_ENCRYPTED=1: the same on an encrypted data folder (its journal of encrypted records).
const encrypted = process.env.AFFECT_SCENARIO_ENCRYPTED === '1';
let keys = null;
if (encrypted) {
  process.env.AFFECT_INSECURE_TEST_KDF = '1';
  const made = await newKeyFile('disk full scenario');
  writeKeyFile(dataDir, made.file);
  keys = made.keys;
}
const core = await createCore({ dataDir, keys });
const { sessions } = core.services;
const ctx = operatorCtx(core);
const s = sessions.create({ participantId: consentedParticipant(core, 'P01'), protocol: 'p', operatorId: ctx.operatorId, note: '' });
const call = (method: string, input: unknown) => core.handle(method, input, ctx);
const out: Record<string, unknown> = {};
await call('recording.start', { sessionId: s.id, mimeType: 'video/webm' });
out.chunk0 = await call('recording.chunk', { sessionId: s.id, seq: 0, data: chunk(0) });
const part = path.join(dataDir, 'sessions', String(s.id), 'recording.part.webm');
out.sizeAfterChunk0 = statSync(part).size;
const filler = path.join(dataDir, 'filler');
fill(filler);
out.chunk1Full = await call('recording.chunk', { sessionId: s.id, seq: 1, data: chunk(1) });
out.sizeAfterFailure = statSync(part).size;
rmSync(filler);
out.chunk1Again = await call('recording.chunk', { sessionId: s.id, seq: 1, data: chunk(1) });
out.sizeAfterResend = statSync(part).size;
const stored: Buffer[] = [];
for await (const b of core.services.mediaStore.readJournal(part)) stored.push(b);
out.contentExact = Buffer.compare(Buffer.concat(stored), bytes.subarray(0, 80_000)) === 0;
out.clearOnDisk = readFileSync(part).includes(bytes.subarray(0, 64));
fill(filler);
out.chunk2Full = await call('recording.chunk', { sessionId: s.id, seq: 2, data: chunk(2) });
out.stop = await call('recording.stop', { sessionId: s.id });
rmSync(filler);
// Pressed again once there is space (an encrypted recording is written anew when it is finished).
if (!(out.stop as { ok: boolean }).ok) out.stopAgain = await call('recording.stop', { sessionId: s.id });
out.session = sessions.get(s.id);
await core.close();
console.log(JSON.stringify(out));
