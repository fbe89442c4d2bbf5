import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type supertest from 'supertest';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

/** The dashboard cookie a response set: its value and its attributes. */
export const adminCookie = (res: supertest.Response): { value: string; attributes: string } | undefined => {
  const raw = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []).find((c) => c.startsWith('nexus_admin='));
  if (!raw) return undefined;
  const [pair, ...attributes] = raw.split(';');
  return { value: pair!.slice('nexus_admin='.length), attributes: attributes.join(';') };
};

/** A sign-in form's body, form-encoded as a browser sends it. */
export const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** The app's data-processing queue, read and written directly in Redis (the tests' side door). */
export interface DataQueue {
  readonly queue: Queue;
  /** A job that failed its only attempt (the app runs no worker: it stays failed until retried). */
  failedJob(data?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export const dataQueue = (app: TestApp): DataQueue => {
  const { target, keyPrefix } = app.runtime.config.redis!;
  if (target.kind !== 'single') throw new Error('the dashboard tests read one Redis');
  const connection = new Redis(target.url, { maxRetriesPerRequest: null });
  const queue = new Queue('data-processing', { connection, prefix: keyPrefix });
  return {
    queue,
    async failedJob(data = { payload: { items: [1, 2, 3] } }) {
      const job = await queue.add('crunch', data, { attempts: 1 });
      const worker = new Worker(
        'data-processing',
        async () => {
          throw new Error('the data was bad');
        },
        { connection: connection.duplicate({ maxRetriesPerRequest: null }), prefix: keyPrefix },
      );
      try {
        await eventually(async () => ((await queue.getJobState(job.id!)) === 'failed' ? true : undefined), 10_000, 'the job failed');
      } finally {
        await worker.close();
      }
      return job.id!;
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
};
