import { describe, expect, it } from 'vitest';
import type { QueueJobView } from '../../../src-shared/contract/queue.js';
import { countsLine, jobDetail, parseSharesText } from './queue-text.js';

const job = (j: Partial<QueueJobView>): QueueJobView => ({
  id: 1, jobId: 'x-1', sessionId: 4, state: 'waiting', worker: null, percent: null, attempts: 0, error: null, runId: null, via: 'inline', submittedAt: '', finishedAt: null, ...j,
});

describe('queue panel words', () => {
  it('counts jobs and says what each is doing or why it failed', () => {
    expect(countsLine({ waiting: 3, active: 2, done: 10, failed: 1, lost: 0 })).toBe('3 waiting · 2 active · 10 done · 1 failed');
    expect(countsLine({ waiting: 0, active: 0, done: 0, failed: 0, lost: 2 })).toBe('0 waiting · 0 active · 0 done · 0 failed · 2 lost');
    expect(jobDetail(job({ state: 'active', worker: 'lab-pc-2:81', percent: 40 }))).toBe('lab-pc-2:81, 40%');
    expect(jobDetail(job({ state: 'failed', error: 'refused by lab-pc-3: model hashes differ' }))).toBe('refused by lab-pc-3: model hashes differ');
    expect(jobDetail(job({ state: 'waiting' }))).toBe('');
  });

  it('reads shares one per line and names the line that is not NAME=FOLDER', () => {
    expect(parseSharesText('corpus=/mnt/lab/corpus\n\n  pilot = /srv/pilot ')).toEqual({ shares: [{ name: 'corpus', folder: '/mnt/lab/corpus' }, { name: 'pilot', folder: '/srv/pilot' }] });
    expect(parseSharesText('corpus=/x\n/mnt/y')).toEqual({ error: 'Line 2: write NAME=FOLDER, e.g. corpus=/mnt/lab/corpus' });
  });
});
