// Child process for the crash-recovery test: records part of a WebM through the real core, including a
// torn last chunk, then waits to be killed (no stop, no close, no cleanup).
import { readFileSync } from 'node:fs';
import { createCore } from '../app-core.js';
import { chunksOf } from './make-media.js';

const [dataDir, srcFile] = process.argv.slice(2);
const core = await createCore({ dataDir });
const p = core.services.participants.create('P-crash');
const s = core.services.sessions.create({ participantId: p.id, protocol: 'screening', operatorId: null, note: '' });
core.services.recordings.start(s.id, 'video/webm;codecs=vp8,opus', 'renderer');
const bytes = new Uint8Array(readFileSync(srcFile));
const chunks = chunksOf(bytes, 16 * 1024);
const upTo = Math.floor(chunks.length * 0.6);
for (let i = 0; i < upTo; i++) core.services.recordings.chunk(s.id, i, chunks[i]);
// Half of the next chunk: the process dies in the middle of a cluster.
core.services.recordings.chunk(s.id, upTo, chunks[upTo].subarray(0, 5000));
process.stdout.write('READY\n');
setInterval(() => {}, 1000);
