import { describe, expect, it } from 'vitest';
import type { QueueJobView } from '../../../src-shared/contract/queue.js';
import { setLanguage } from '../i18n/i18n.js';
import { countsLine, jobDetail, parseSharesText, queueError } from './queue-text.js';

const job = (j: Partial<QueueJobView>): QueueJobView => ({
  id: 1, jobId: 'x-1', sessionId: 4, state: 'waiting', worker: null, percent: null, attempts: 0, error: null, errorNote: null, runId: null, via: 'inline', submittedAt: '', finishedAt: null, ...j,
});

describe('queue panel words', () => {
  it('counts jobs and says what each is doing or why it failed', () => {
    expect(countsLine({ waiting: 3, active: 2, done: 10, failed: 1, lost: 0 })).toBe('3 waiting · 2 active · 10 done · 1 failed');
    expect(countsLine({ waiting: 0, active: 0, done: 0, failed: 0, lost: 2 })).toBe('0 waiting · 0 active · 0 done · 0 failed · 2 lost');
    expect(jobDetail(job({ state: 'active', worker: 'lab-pc-2:81', percent: 40 }))).toBe('lab-pc-2:81, 40%');
    expect(jobDetail(job({ state: 'failed', error: 'refused by lab-pc-3: model hashes differ' }))).toBe('refused by lab-pc-3: model hashes differ');
    expect(jobDetail(job({ state: 'waiting' }))).toBe('');
  });

  it('words a job\'s reason and the queue\'s trouble in the interface\'s language, and shows English the build cannot word as it is', () => {
    const refused = job({
      state: 'failed',
      error: 'refused by lab-pc-3: submitted by Affect Studio 0.0.9, this worker runs 0.1.0; results would not be comparable',
      errorNote: { key: 'labJob.worker.softwareVersion', vars: { worker: 'lab-pc-3', submitted: '0.0.9', runs: '0.1.0' } },
    });
    const newer = job({ state: 'retrying', error: 'refused by lab-pc-4: something a newer worker says', errorNote: { key: 'labJob.worker.fromTheFuture', vars: { worker: 'lab-pc-4' } } });
    const unreadable = { error: 'Cannot read the lab queue: connect ECONNREFUSED 10.0.0.5:6379', errorNote: { key: 'labJob.queueUnreadable', vars: { reason: 'connect ECONNREFUSED 10.0.0.5:6379' } } };
    setLanguage('zh-CN');
    try {
      expect(jobDetail(refused)).toBe('被 lab-pc-3 拒绝：作业由 Affect Studio 0.0.9 提交，此工作机运行的是 0.1.0；两者的结果无法比较');
      expect(jobDetail(newer)).toBe('refused by lab-pc-4: something a newer worker says');
      expect(queueError(unreadable)).toBe('无法读取实验室队列：connect ECONNREFUSED 10.0.0.5:6379');
    } finally {
      setLanguage('en');
    }
    expect(jobDetail(refused)).toBe(refused.error);
    expect(queueError(unreadable)).toBe(unreadable.error);
    expect(queueError({ error: null, errorNote: null })).toBe('');
  });

  it('reads shares one per line and names the line that is not NAME=FOLDER', () => {
    expect(parseSharesText('corpus=/mnt/lab/corpus\n\n  pilot = /srv/pilot ')).toEqual({ shares: [{ name: 'corpus', folder: '/mnt/lab/corpus' }, { name: 'pilot', folder: '/srv/pilot' }] });
    expect(parseSharesText('corpus=/x\n/mnt/y')).toEqual({ error: 'Line 2: write NAME=FOLDER, e.g. corpus=/mnt/lab/corpus' });
  });
});
