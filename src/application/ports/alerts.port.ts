import type { DeadLetter } from '../../domain/jobs/job';

/** Tells a human that something needs them. A log adapter today; a pager or chat adapter plugs in here. */
export interface Alerts {
  deadLetter(letter: DeadLetter): Promise<void>;
}
