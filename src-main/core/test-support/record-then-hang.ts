// Child process for the crash-recovery test: records part of a WebM through the real core, including a
// torn last chunk, then waits to be killed (no stop, no close, no cleanup). With AFFECT_PASSPHRASE_FILE set,
// the data folder is encrypted (set up here when new). Prints READY and the bytes acknowledged.
import { readFileSync } from 'node:fs';
import { createCore } from '../app-core.js';
import { hasKeyFile, newKeyFile, readKeyFile, unlockWithPassphrase, writeKeyFile } from '../vault/key-file.js';
import { readPassphraseFile } from '../vault/passphrase-input.js';
import { chunksOf } from './make-media.js';

const [dataDir, srcFile] = process.argv.slice(2);
const passFile = process.env.AFFECT_PASSPHRASE_FILE;
let keys = null;
if (passFile) {
  const pass = readPassphraseFile(passFile);
  if (hasKeyFile(dataDir)) keys = await unlockWithPassphrase(readKeyFile(dataDir), pass);
  else {
    const made = await newKeyFile(pass);
    writeKeyFile(dataDir, made.file);
    keys = made.keys;
  }
}
const core = await createCore({ dataDir, keys });
const p = core.services.participants.create('P-crash');
const s = core.services.sessions.create({ participantId: p.id, protocol: 'screening', operatorId: null, note: '' });
core.services.recordings.start(s.id, 'video/webm;codecs=vp8,opus', 'renderer');
const bytes = new Uint8Array(readFileSync(srcFile));
const chunks = chunksOf(bytes, 16 * 1024);
const upTo = Math.floor(chunks.length * 0.6);
for (let i = 0; i < upTo; i++) core.services.recordings.chunk(s.id, i, chunks[i]);
// Half of the next chunk: the process dies in the middle of a cluster.
core.services.recordings.chunk(s.id, upTo, chunks[upTo].subarray(0, 5000));
const acknowledged = chunks.slice(0, upTo).reduce((n, c) => n + c.byteLength, 0) + 5000;
process.stdout.write(`READY ${acknowledged}\n`);
setInterval(() => {}, 1000);
