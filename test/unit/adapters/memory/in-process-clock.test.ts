import { expect } from 'chai';
import { InProcessJobQueue } from '../../../../src/adapters/memory/in-process-job-queue';
import { DEFAULT_RETRY_POLICIES } from '../../../../src/application/jobs/job-types';
import type { Clock } from '../../../../src/application/ports/clock.port';
import { silentLogger } from '../../../support/logger';

/** A clock that moves only when told. */
class ManualClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

describe('InProcessJobQueue :: time comes from the Clock port', () => {
  it('dates a job by the clock it was given', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock });
    const { id } = await queue.enqueue('email', 'send', {});
    expect((await queue.get('email', id))?.createdAt.toISOString()).to.equal('2030-01-01T00:00:00.000Z');
  });

  it('ends a claim when the clock passes its lease', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock });
    const { id } = await queue.enqueue('dead-letter', 'send', {});
    expect((await queue.claim('dead-letter', id, 1000)).status).to.equal('claimed');
    expect((await queue.claim('dead-letter', id, 1000)).status).to.equal('busy');
    clock.advance(1001);
    expect((await queue.claim('dead-letter', id, 1000)).status).to.equal('claimed');
  });

  it('lists a schedule’s next run from the clock’s now', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock });
    const schedule = await queue.upsertSchedule({ id: 'daily', queue: 'reports', name: 'tick', pattern: '0 6 * * *', timeZone: 'UTC', data: {} });
    expect(schedule.next?.toISOString()).to.equal('2030-01-01T06:00:00.000Z');
    await queue.stop();
  });
});
