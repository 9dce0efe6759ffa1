// A WAV imported and analysed through the queue gets a voice-only timeline (no face columns, face_present 0),
// and an export batch writes its files and sessions_summary.csv.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { uploadBatchFiles } from '../../../src-shared/client/upload-batch.js';
import type { BatchView } from '../../../src-shared/contract/batch.js';
import { type AppCore, createCore } from '../app-core.js';
import { openClipFile } from '../cli/clip-file.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';

let core: AppCore;
let api: ContractClient;
let wav: string;

function settled(batchId: number): Promise<BatchView> {
  return new Promise((resolve) => {
    const check = async () => {
      const b = (await api.call('batch.list', {})).find((x) => x.id === batchId);
      if (b && !b.summary.active) {
        off();
        resolve(b);
      }
    };
    const off = api.on('batch.item', (e) => {
      if (e.item.batchId === batchId && !e.summary.active) void check();
    });
    void check();
  });
}

beforeAll(async () => {
  const dir = tempDir();
  const speech = path.join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-w', speech, '-s', '150', 'I am really happy to be here today. This is a short test of the voice analysis.']);
  wav = path.join(dir, 'P07 interview.wav');
  execFileSync('sox', [speech, '-r', '16000', '-c', '1', wav]);
  core = await createCore({ dataDir: tempDir() });
  api = directClient(core, operatorCtx(core, 'Dr Voice', 'researcher'));
});
afterAll(async () => core.close());

describe('an audio-only clip', () => {
  it('is analysed by voice alone: the timeline has speech and voice emotion, face columns empty and face_present 0', async () => {
    const pid = consentedParticipant(core, 'V-01');
    const batch = await api.call('batch.create', {
      kind: 'import',
      participantId: pid,
      protocol: 'voice',
      analyse: true,
      files: [{ name: 'P07 interview.wav', size: readFileSync(wav).length }],
    });
    const opened = await openClipFile(wav);
    if (!('source' in opened)) throw new Error(opened.message);
    await uploadBatchFiles(api.call.bind(api), batch.items, new Map([['P07 interview.wav', opened.source]]));
    await opened.close();
    const done = await settled(batch.id);
    expect(done.items[0]).toMatchObject({ state: 'done' });
    const runId = done.items[0].runId!;
    const sessionId = done.items[0].sessionId!;
    const run = await api.call('analysis.get', { runId });
    expect(run.status).toBe('complete');
    expect(run.models.map((m) => m.task).sort()).toEqual(['vad', 'voice-emotion']);

    const out = tempDir();
    const exp = await api.call('batch.create', { kind: 'export', sessionIds: [sessionId], outDir: out });
    const exported = await settled(exp.id);
    expect(exported.items[0].state).toBe('done');
    expect(readdirSync(out).sort()).toEqual([`session-${sessionId}_V-01_summary.csv`, `session-${sessionId}_V-01_timeline.csv`, 'sessions_summary.csv'].sort());
    const rows = parse(readFileSync(path.join(out, `session-${sessionId}_V-01_timeline.csv`), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.face_present))).toEqual(new Set(['0']));
    expect(rows.every((r) => r.face_p_happy === '' && r.face_box_x === '')).toBe(true);
    const speaking = rows.filter((r) => r.speech === '1');
    expect(speaking.length).toBeGreaterThan(rows.length / 4);
    expect(speaking.every((r) => r.voice_p_happy !== '' && r.modalities === 'voice')).toBe(true);
    const summary = parse(readFileSync(path.join(out, 'sessions_summary.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(summary).toHaveLength(1);
    // Coverage of the face is not applicable without video (empty); speech covers part of the clip.
    expect(summary[0]).toMatchObject({ session_id: String(sessionId), coverage_face_present: '' });
    expect(Number(summary[0].coverage_speech)).toBeGreaterThan(0.25);
  }, 180_000);
});
