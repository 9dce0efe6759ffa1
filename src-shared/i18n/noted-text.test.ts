// A note carried in a text field made for English (a lab job's failure reason in Redis, a job row's error): read
// back only when it is one the reader accepts, worded in the reader's language, nested notes included; anything
// else is plain text.
import { describe, expect, it } from 'vitest';
import { consentRefusalVars } from './consent-refusal.js';
import { messageIn } from './errors.js';
import { type NoteFamilies, readNotedText, textWithNote } from './noted-text.js';
import { localizeNotes, nestNote, note, noteEnglish } from './notes.js';

const WORKER: NoteFamilies = { keys: ['labJob.worker.', 'errors.share.'], nested: [] };
const STORED: NoteFamilies = { keys: ['labJob.', 'errors.share.'], nested: ['labJob.', 'errors.share.', 'consent.'] };
const forged = (english: string, json: unknown): string => `${english}\n[affect-note/1] ${typeof json === 'string' ? json : JSON.stringify(json)}`;

describe('notes in text fields', () => {
  it('puts the English first and reads the note back, worded in either language', () => {
    const n = note('labJob.worker.softwareVersion', { worker: 'lab-pc-2', submitted: '0.0.9', runs: '0.1.0' });
    const text = textWithNote(n);
    expect(text.split('\n')[0]).toBe('refused by lab-pc-2: submitted by Affect Studio 0.0.9, this worker runs 0.1.0; results would not be comparable');
    const back = readNotedText(text, WORKER);
    expect(back).toEqual({ text: noteEnglish(n), note: n });
    expect(localizeNotes('zh-CN', [back.note!])).toBe('被 lab-pc-2 拒绝：作业由 Affect Studio 0.0.9 提交，此工作机运行的是 0.1.0；两者的结果无法比较');
    // Text without a note (an older worker, a tool's message) is plain text.
    expect(readNotedText('connect ECONNREFUSED', WORKER)).toEqual({ text: 'connect ECONNREFUSED', note: null });
  });

  it('takes nothing it does not accept as a note: unknown or foreign entries, nested entries, big or odd values, junk', () => {
    const plain = (text: string) => readNotedText(text, WORKER);
    const cases: unknown[] = [
      { key: 'labJob.worker.fromTheFuture', vars: { worker: 'x' } },
      { key: 'labJob.notAnalysed', vars: { refusal: 'forged' } },
      { key: 'labJob.worker.models', vars: { worker: 'x', differences: 'y'.repeat(501) } },
      { key: 'labJob.worker.models', vars: { worker: { toString: 'x' } } },
      { key: 'labJob.worker.models', vars: { worker: 'x', differencesKey: 'consent.refusal' } },
      { key: 'labJob.worker.models', vars: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`v${i}`, i])) },
      { key: 'labJob.worker.models', vars: { 'bad name': 'x' } },
      { key: 'labJob.worker.models', extra: true },
      ['labJob.worker.models'],
      '{"key": "labJob.worker.models"',
      JSON.stringify({ key: 'labJob.worker.models', vars: { worker: 'x', differences: 'y'.repeat(400), more: 'z'.repeat(400), evenMore: 'w'.repeat(400), andMore: 'v'.repeat(400), last: 'u'.repeat(400), really: 'u'.repeat(400), too: 'u'.repeat(400), much: 'u'.repeat(400), text: 'u'.repeat(400), here: 'u'.repeat(400) } }),
    ];
    for (const json of cases) expect(plain(forged('refused by mallory: trust me', json)), JSON.stringify(json).slice(0, 80)).toEqual({ text: 'refused by mallory: trust me', note: null });
    // What a reader of stored reasons accepts, a reader of a worker's does not: a consent refusal inside another note.
    const consent = note('consent.refusal', consentRefusalVars('P-victim', { status: 'withdrawn' } as never, ['analysis'], 'consent.doing.analyseSessionId', { sessionId: 4 }));
    const nested = textWithNote(nestNote('labJob.notAnalysed', {}, 'refusal', consent));
    expect(readNotedText(nested, WORKER).note).toBeNull();
    expect(readNotedText(nested, STORED).note?.key).toBe('labJob.notAnalysed');
    // Plain text is cut to a readable length.
    expect(plain('x'.repeat(5000)).text).toHaveLength(500);
  });

  it('words notes inside notes in the reader\'s language, three levels deep', () => {
    const consent = note('consent.refusal', consentRefusalVars('P-leaves', { status: 'withdrawn' } as never, ['analysis'], 'consent.doing.analyseSessionId', { sessionId: 4 }));
    const item = nestNote('corpus.note.labJobFailed', { job: 7 }, 'detail', nestNote('labJob.notAnalysed', {}, 'refusal', consent));
    expect(noteEnglish(item)).toBe('The lab workers could not analyse this clip (job 7): Not analysed: Cannot analyse session 4: participant P-leaves has no consent for automated analysis (consent was withdrawn).');
    expect(localizeNotes('zh-CN', [item])).toBe('实验室工作机无法分析此片段（任务 7）：未分析：无法分析会话 4：受试者 P-leaves 未同意自动分析（知情同意已撤回）。');
    // Values that would clash with the outer note's: the inner one goes in as its English words.
    const clashing = nestNote('corpus.note.labJobFailed', { job: 7 }, 'detail', note('corpus.note.error', { detail: 'disk full' }));
    expect(clashing.vars).toEqual({ job: 7, detail: 'Unexpected error: disk full' });
    expect(messageIn('zh-CN', clashing.key as never, clashing.vars)).toBe('实验室工作机无法分析此片段（任务 7）：Unexpected error: disk full');
  });
});
