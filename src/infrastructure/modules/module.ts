import type Router from '@koa/router';
import type { ContainerModule, ServiceIdentifier } from 'inversify';
import type { JobHandlers, ScheduleSpec } from '../../application/ports/job-queue.port';
import type { Config } from '../config/load-config';

/** Looks up a service once, at start-up; the only way a module reaches the container. */
export type Resolve = <T>(id: ServiceIdentifier<T>) => T;

/**
 * One feature of Nexus as the composition root sees it: the use cases it binds, the routes it
 * adds to the API, and the jobs it runs. Adding a module is one file and one line in `modules`.
 */
export interface NexusModule {
  readonly name: string;
  readonly bindings: ContainerModule;
  readonly routes?: (resolve: Resolve, config: Config) => Router;
  readonly jobs?: (resolve: Resolve) => JobHandlers;
  readonly schedules?: (config: Config) => readonly ScheduleSpec[];
}
