import { expect } from 'chai';
import type { Alerts } from '../../src/application/ports/alerts.port';
import { type JobHandlers, type JobQueue, type JobWorker, PermanentJobFailure, type RunningJob } from '../../src/application/ports/job-queue.port';
import { DEFAULT_RETRY_POLICIES } from '../../src/application/jobs/job-types';
import { deadLetterId, type DeadLetter, type QueueName, type RetryPolicy } from '../../src/domain/jobs/job';
import { eventually, sleep } from '../support/eventually';

export interface JobSystem {
  readonly queue: JobQueue;
  readonly worker: JobWorker;
  readonly alerts: RecordingAlerts;
  cleanup(): Promise<void>;
}

/** Keeps every dead letter it is told about. */
export class RecordingAlerts implements Alerts {
  readonly letters: DeadLetter[] = [];
  async deadLetter(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
}

export interface JobSystemOptions {
  readonly concurrency: number;
  readonly retry: Readonly<Record<QueueName, RetryPolicy>>;
}

export type MakeJobSystem = (options: JobSystemOptions) => Promise<JobSystem>;

/** Short schedules so retries happen within a test: 3 tries 100 ms then 200 ms apart. */
export const TEST_RETRY: Readonly<Record<QueueName, RetryPolicy>> = {
  ...DEFAULT_RETRY_POLICIES,
  email: { attempts: 3, backoffMs: [100, 200] },
  'data-processing': { attempts: 2, backoffMs: [50] },
};

/** What every job system must do, the in-process queue and BullMQ alike. */
export const jobQueueContract = (name: string, make: MakeJobSystem): void => {
  describe(`JobQueue contract :: ${name}`, () => {
    let system: JobSystem;
    const open = async (concurrency = 4) => {
      system = await make({ concurrency, retry: TEST_RETRY });
      return system;
    };
    afterEach(async () => system?.cleanup());

    const finished = (queue: QueueName, id: string) =>
      eventually(async () => {
        const job = await system.queue.get(queue, id);
        return job && (job.state === 'completed' || job.state === 'dead') ? job : undefined;
      }, 8000, `job ${queue}/${id} finished`);

    it('runs a job and keeps its result', async () => {
      const { queue, worker } = await open();
      await worker.start({ 'data-processing': async (job) => ({ doubled: (job.data as { n: number }).n * 2 }) });
      const { id } = await queue.enqueue('data-processing', 'double', { n: 21 });
      const job = await finished('data-processing', id);
      expect(job).to.include({ state: 'completed', name: 'double', queue: 'data-processing', attemptsMade: 1, progress: 100 });
      expect(job.state === 'completed' && job.result).to.deep.equal({ doubled: 42 });
      expect(job.data).to.deep.equal({ n: 21 });
    });

    it('adds many jobs at once and runs them all', async () => {
      const { queue, worker } = await open();
      const seen: number[] = [];
      const ids = await queue.enqueueBulk('data-processing', Array.from({ length: 25 }, (_, i) => ({ name: 'bulk', data: { i } })));
      expect(new Set(ids.map((j) => j.id)).size).to.equal(25);
      await worker.start({ 'data-processing': async (job) => void seen.push((job.data as { i: number }).i) });
      await eventually(() => (seen.length === 25 ? true : undefined), 8000, 'all bulk jobs run');
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    });

    it('returns null for a job it does not have', async () => {
      const { queue } = await open();
      expect(await queue.get('email', 'no-such-job')).to.equal(null);
    });

    it('adds a job with a given id only once', async () => {
      const { queue, worker } = await open();
      let runs = 0;
      const first = await queue.enqueue('email', 'once', { i: 1 }, { jobId: 'same-id' });
      const second = await queue.enqueue('email', 'once', { i: 2 }, { jobId: 'same-id' });
      await worker.start({ email: async () => void (runs += 1) });
      await finished('email', 'same-id');
      await sleep(100);
      expect([first.id, second.id]).to.deep.equal(['same-id', 'same-id']);
      expect(runs).to.equal(1);
    });

    it('runs waiting jobs by priority, critical first, then in order of arrival', async () => {
      const { queue, worker } = await open(1);
      const order: string[] = [];
      for (const [label, priority] of [['low', 'low'], ['normal-1', 'normal'], ['critical', 'critical'], ['high', 'high'], ['normal-2', 'normal']] as const) {
        await queue.enqueue('email', label, {}, { priority });
      }
      await worker.start({ email: async (job) => void order.push(job.name) });
      await eventually(() => (order.length === 5 ? true : undefined), 8000, 'five jobs run');
      expect(order).to.deep.equal(['critical', 'high', 'normal-1', 'normal-2', 'low']);
    });

    it('holds a delayed job until its time', async () => {
      const { queue, worker } = await open();
      const ranAt: number[] = [];
      await worker.start({ email: async () => void ranAt.push(Date.now()) });
      const enqueuedAt = Date.now();
      const { id } = await queue.enqueue('email', 'later', {}, { delayMs: 600 });
      expect((await queue.get('email', id))?.state).to.equal('scheduled');
      await finished('email', id);
      expect(ranAt).to.have.length(1);
      expect(ranAt[0]! - enqueuedAt).to.be.at.least(550);
    });

    it('retries a failing job on the backoff schedule until it succeeds', async () => {
      const { queue, worker } = await open();
      const tries: number[] = [];
      await worker.start({
        email: async (job) => {
          tries.push(Date.now());
          if (job.attemptsMade < 2) throw new Error(`flaky ${job.attemptsMade}`);
          return 'third time lucky';
        },
      });
      const { id } = await queue.enqueue('email', 'flaky', {});
      const job = await finished('email', id);
      expect(job.state).to.equal('completed');
      expect(job.attemptsMade).to.equal(3);
      expect(tries).to.have.length(3);
      expect(tries[1]! - tries[0]!).to.be.at.least(90);
      expect(tries[2]! - tries[1]!).to.be.at.least(180);
    });

    it('moves a job to the dead-letter queue exactly once after its last attempt', async () => {
      const { queue, worker } = await open();
      await worker.start({
        email: async () => {
          throw new Error('smtp said no');
        },
      });
      const { id } = await queue.enqueue('email', 'doomed', { to: 'x@example.com' }, { requestId: 'req-dlq-1' });
      const job = await finished('email', id);
      expect(job.state).to.equal('dead');
      expect(job.attemptsMade).to.equal(3);
      expect(job.state === 'dead' && job.failedReason).to.equal('smtp said no');

      const letter = await eventually(() => queue.get('dead-letter', deadLetterId('email', id)), 5000, 'dead letter');
      const data = letter.data as DeadLetter;
      expect(data).to.include({ originalQueue: 'email', originalJobId: id, name: 'doomed', attemptsMade: 3, error: 'smtp said no', requestId: 'req-dlq-1' });
      expect(data.data).to.deep.equal({ to: 'x@example.com' });
      expect(data.stack).to.be.a('string').and.include('smtp said no');
      expect(new Date(data.failedAt).getTime()).to.be.closeTo(Date.now(), 10_000);
      await sleep(300);
      const listed = await queue.list('dead-letter', 0, 50);
      expect(listed.items.filter((j) => (j.data as DeadLetter).originalJobId === id)).to.have.length(1);
      expect(system.alerts.letters.filter((l) => l.originalJobId === id)).to.have.length(1);
    });

    it('does not retry a permanent failure', async () => {
      const { queue, worker } = await open();
      let runs = 0;
      await worker.start({
        email: async () => {
          runs += 1;
          throw new PermanentJobFailure('payload does not decode');
        },
      });
      const { id } = await queue.enqueue('email', 'broken', {});
      const job = await finished('email', id);
      expect(job.state).to.equal('dead');
      expect(runs).to.equal(1);
      expect(await queue.get('dead-letter', deadLetterId('email', id))).to.not.equal(null);
    });

    it('shows the progress a running job reports', async () => {
      const { queue, worker } = await open();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      await worker.start({
        'data-processing': async (job: RunningJob) => {
          await job.reportProgress(40);
          await gate;
          return 'ok';
        },
      });
      const { id } = await queue.enqueue('data-processing', 'slow', {});
      try {
        const midway = await eventually(async () => {
          const job = await queue.get('data-processing', id);
          return job?.progress === 40 ? job : undefined;
        }, 5000, 'progress 40');
        expect(midway.state).to.equal('processing');
      } finally {
        // A failed assertion must not leave the job blocked: stop() would wait for it forever.
        release();
      }
      expect((await finished('data-processing', id)).progress).to.equal(100);
    });

    it('carries the request id from the enqueue to the handler', async () => {
      const { queue, worker } = await open();
      let seen: string | undefined;
      await worker.start({ email: async (job) => void (seen = job.requestId) });
      const { id } = await queue.enqueue('email', 'traced', {}, { requestId: 'req-trace-7' });
      const job = await finished('email', id);
      expect(seen).to.equal('req-trace-7');
      expect(job.requestId).to.equal('req-trace-7');
    });

    it('finishes the running job before stop resolves', async () => {
      const { queue, worker } = await open();
      let finishedRun = false;
      const handlers: JobHandlers = {
        email: async () => {
          await sleep(300);
          finishedRun = true;
        },
      };
      await worker.start(handlers);
      const { id } = await queue.enqueue('email', 'long', {});
      await eventually(async () => ((await queue.get('email', id))?.state === 'processing' ? true : undefined), 5000, 'job started');
      await worker.stop();
      expect(finishedRun).to.equal(true);
      expect((await queue.get('email', id))?.state).to.equal('completed');
    });

    it('registers a schedule idempotently and lists it with its next run', async () => {
      const { queue } = await open();
      const spec = { id: 'weekly', queue: 'reports' as const, name: 'weekly-report', pattern: '0 9 * * 1', timeZone: 'Europe/Berlin', data: {} };
      await queue.upsertSchedule(spec);
      const again = await queue.upsertSchedule(spec);
      const listed = (await queue.listSchedules()).filter((s) => s.id === 'weekly');
      expect(listed).to.have.length(1);
      expect(listed[0]).to.include({ queue: 'reports', name: 'weekly-report', pattern: '0 9 * * 1', timeZone: 'Europe/Berlin' });
      const next = again.next!;
      expect(next.getTime()).to.be.greaterThan(Date.now());
      // Monday, 09:00 in Berlin.
      const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next);
      expect(berlin).to.equal('Mon 09:00');
    });

    it('runs scheduled jobs when they fall due', async () => {
      const { queue, worker } = await open();
      let runs = 0;
      await worker.start({ reports: async () => void (runs += 1) });
      await queue.upsertSchedule({ id: 'every-second', queue: 'reports', name: 'tick', pattern: '* * * * * *', timeZone: 'UTC', data: {} });
      await eventually(() => (runs >= 2 ? true : undefined), 6000, 'two scheduled runs');
    });

    it('gives a claim on a job to one of ten concurrent callers until it is released', async () => {
      const { queue } = await open();
      await queue.enqueue('dead-letter', 'a', { i: 1 }, { jobId: 'dl-claim' });
      const claims = await Promise.all(Array.from({ length: 10 }, () => queue.claim('dead-letter', 'dl-claim', 30_000)));
      expect(claims.map((c) => c.status).sort()).to.deep.equal(['busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'claimed']);
      const won = claims.find((c) => c.status === 'claimed');
      expect(won?.status === 'claimed' && won.job.data).to.deep.equal({ i: 1 });
      await queue.release('dead-letter', 'dl-claim');
      expect((await queue.claim('dead-letter', 'dl-claim', 30_000)).status).to.equal('claimed');
      expect((await queue.claim('dead-letter', 'no-such-job', 30_000)).status).to.equal('not-found');
    });

    it('lets a claim run out after its lease', async () => {
      const { queue } = await open();
      await queue.enqueue('dead-letter', 'a', {}, { jobId: 'dl-lease' });
      expect((await queue.claim('dead-letter', 'dl-lease', 150)).status).to.equal('claimed');
      expect((await queue.claim('dead-letter', 'dl-lease', 150)).status).to.equal('busy');
      await sleep(250);
      expect((await queue.claim('dead-letter', 'dl-lease', 150)).status).to.equal('claimed');
    });

    it('lists and removes the jobs of a queue', async () => {
      const { queue } = await open();
      await queue.enqueue('dead-letter', 'a', { i: 1 }, { jobId: 'dl-a' });
      await queue.enqueue('dead-letter', 'b', { i: 2 }, { jobId: 'dl-b' });
      const listed = await queue.list('dead-letter', 0, 10);
      expect(listed.total).to.equal(2);
      expect(listed.items.map((j) => j.id)).to.have.members(['dl-a', 'dl-b']);
      expect(await queue.remove('dead-letter', 'dl-a')).to.equal(true);
      expect(await queue.remove('dead-letter', 'dl-a')).to.equal(false);
      expect((await queue.list('dead-letter', 0, 10)).total).to.equal(1);
    });
  });
};
