import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../../application/ports/clock.port';
import type { Schedule, ScheduleSpec } from '../../application/ports/job-queue.port';

/** setTimeout holds at most ~24.8 days; a longer delay fires after 1 ms, so longer waits re-arm on the way. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  readonly spec: ScheduleSpec;
  timer?: NodeJS.Timeout;
  next: Date | null;
}

/**
 * The in-process queue's recurring jobs: a timer per schedule for its next time. Each firing
 * calls `fire` once with the time it was due, which the queue turns into one job keyed by it.
 */
export class InProcessSchedules {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly fire: (spec: ScheduleSpec, dueAt: number) => void,
  ) {}

  /** Creates or replaces a schedule, idempotently by id. */
  upsert(spec: ScheduleSpec): Schedule {
    const existing = this.entries.get(spec.id);
    if (existing?.timer) clearTimeout(existing.timer);
    const entry: Entry = { spec, next: null };
    this.entries.set(spec.id, entry);
    this.arm(entry);
    return toSchedule(entry);
  }

  list(): Schedule[] {
    return [...this.entries.values()].map(toSchedule);
  }

  /** Stops every timer; the schedules stay listed. */
  stop(): void {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
  }

  private arm(entry: Entry): void {
    const now = this.clock.now();
    entry.next = nextRun(entry.spec.pattern, entry.spec.timeZone, now);
    if (!entry.next) return;
    const at = entry.next.getTime();
    entry.timer = setTimeout(() => {
      if (this.clock.now().getTime() >= at) this.fire(entry.spec, at);
      this.arm(entry);
    }, Math.min(at - now.getTime(), MAX_TIMER_MS));
    entry.timer.unref();
  }
}

/** The next time `pattern` fires after `from`, in `timeZone`; null if it never does. */
export const nextRun = (pattern: string, timeZone: string, from: Date): Date | null => {
  const expression = CronExpressionParser.parse(pattern, { currentDate: from, tz: timeZone });
  return expression.hasNext() ? expression.next().toDate() : null;
};

const toSchedule = ({ spec, next }: Entry): Schedule => ({
  id: spec.id,
  queue: spec.queue,
  name: spec.name,
  pattern: spec.pattern,
  timeZone: spec.timeZone,
  next,
});
