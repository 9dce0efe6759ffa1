/**
 * Run by recording/disk-full.test.ts inside a private mount namespace, with argv[2] a small tmpfs (a real
 * filesystem that really fills up) and argv[3] a WebM clip. Prints one JSON line of what happened.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createCore } from '../app-core.js';
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

const core = await createCore({ dataDir });
const { sessions } = core.services;
const ctx = operatorCtx(core);
const s = sessions.create({ participantId: consentedParticipant(core, 'P01'), protocol: 'p', operatorId: ctx.operatorId, note: '' });
const call = (method: string, input: unknown) => core.handle(method, input, ctx);
const out: Record<string, unknown> = {};
await call('recording.start', { sessionId: s.id, mimeType: 'video/webm' });
out.chunk0 = await call('recording.chunk', { sessionId: s.id, seq: 0, data: chunk(0) });
const part = path.join(dataDir, 'sessions', String(s.id), 'recording.part.webm');
const filler = path.join(dataDir, 'filler');
fill(filler);
out.chunk1Full = await call('recording.chunk', { sessionId: s.id, seq: 1, data: chunk(1) });
out.sizeAfterFailure = statSync(part).size;
rmSync(filler);
out.chunk1Again = await call('recording.chunk', { sessionId: s.id, seq: 1, data: chunk(1) });
out.sizeAfterResend = statSync(part).size;
out.contentExact = Buffer.compare(readFileSync(part), bytes.subarray(0, 80_000)) === 0;
fill(filler);
out.chunk2Full = await call('recording.chunk', { sessionId: s.id, seq: 2, data: chunk(2) });
out.stop = await call('recording.stop', { sessionId: s.id });
out.session = sessions.get(s.id);
rmSync(filler);
await core.close();
console.log(JSON.stringify(out));
