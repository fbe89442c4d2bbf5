import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The ambient facts of the unit of work being done: an HTTP request or a job. Log lines read
 * the ids from here so that no function has to thread them through by hand.
 */
export interface WorkContext {
  readonly requestId: string;
  readonly jobId?: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

export const runInContext = <T>(context: WorkContext, fn: () => T): T => storage.run(context, fn);

export const currentContext = (): WorkContext | undefined => storage.getStore();
