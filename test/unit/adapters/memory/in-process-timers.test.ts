import { expect } from 'chai';
import { InProcessJobQueue } from '../../../../src/adapters/memory/in-process-job-queue';
import { DEFAULT_RETRY_POLICIES } from '../../../../src/application/jobs/job-types';
import { installFakeTimers } from '../../../support/fake-timers';
import { silentLogger } from '../../../support/logger';
import { SystemClock } from '../../../../src/adapters/system/system-clock';

const DAY = 86_400_000;

describe('InProcessJobQueue :: timers beyond Node’s 24.8-day limit', () => {
  it('waits for a job a year out without a busy loop, and runs it when its time comes', async () => {
    const clock = installFakeTimers();
    try {
      const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock: new SystemClock() });
      const ranAt: number[] = [];
      await queue.start({ email: async () => void ranAt.push(Date.now()) });
      const enqueuedAt = clock.now();
      const { id } = await queue.enqueue('email', 'next-year', {}, { delayMs: 365 * DAY });

      await clock.tick(10_000);
      expect(clock.fired, 'timer firings in the first 10 s').to.be.at.most(2);

      await clock.tick(364 * DAY);
      expect(ranAt).to.deep.equal([]);
      expect(clock.fired, 'timer firings over 364 days').to.be.below(40);

      await clock.tick(DAY);
      expect(ranAt).to.have.length(1);
      expect(ranAt[0]! - enqueuedAt).to.be.at.least(365 * DAY);
      expect((await queue.get('email', id))?.state).to.equal('completed');
      await queue.stop();
    } finally {
      clock.restore();
    }
  });

  it('keeps a far schedule’s timer within the limit too', async () => {
    const clock = installFakeTimers(Date.UTC(2030, 0, 1));
    try {
      const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock: new SystemClock() });
      let runs = 0;
      await queue.start({ reports: async () => void (runs += 1) });
      // Once a year, on 1 July.
      await queue.upsertSchedule({ id: 'yearly', queue: 'reports', name: 'tick', pattern: '0 0 1 7 *', timeZone: 'UTC', data: {} });
      await clock.tick(10_000);
      expect(clock.fired).to.be.at.most(2);
      await clock.tick(182 * DAY);
      expect(runs).to.equal(1);
      expect(clock.fired).to.be.below(20);
      await queue.stop();
    } finally {
      clock.restore();
    }
  });
});
