/**
 * A fake clock for `Date.now()`, `new Date()` and `setTimeout`/`clearTimeout`, faithful to one
 * trap of Node's real timers: a delay above 2^31-1 ms (about 24.8 days) is not honoured but
 * replaced by 1 ms (with a TimeoutOverflowWarning). Code that arms such a timer busy-loops on
 * real Node, and does here too, so a test can count the firings.
 */
export interface FakeTimers {
  /** Timer callbacks run so far. */
  readonly fired: number;
  now(): number;
  /** Moves the clock forward, running every timer that falls due, in order. */
  tick(ms: number): Promise<void>;
  restore(): void;
}

const NODE_MAX_DELAY = 2 ** 31 - 1;

interface FakeTimer {
  readonly id: number;
  at: number;
  readonly callback: () => void;
}

export const installFakeTimers = (start = Date.now()): FakeTimers => {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, Date: globalThis.Date };
  let now = start;
  let fired = 0;
  let nextId = 1;
  const timers = new Map<number, FakeTimer>();

  const fakeSetTimeout = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    let ms = Number(delay ?? 0);
    if (!(ms >= 1 && ms <= NODE_MAX_DELAY)) ms = 1;
    const timer: FakeTimer = { id: nextId++, at: now + ms, callback: () => callback(...args) };
    timers.set(timer.id, timer);
    const handle = { id: timer.id, unref: () => handle, ref: () => handle, hasRef: () => false, refresh: () => handle, [Symbol.toPrimitive]: () => timer.id };
    return handle;
  };
  const fakeClearTimeout = (handle?: { id?: number } | number) => {
    if (handle === undefined || handle === null) return;
    timers.delete(typeof handle === 'number' ? handle : (handle.id ?? -1));
  };
  const RealDate = real.Date;
  class FakeDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now);
      else super(...(args as [string]));
    }
    static override now(): number {
      return now;
    }
  }
  const flush = () => new Promise<void>((r) => setImmediate(r));

  globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = fakeClearTimeout as unknown as typeof clearTimeout;
  globalThis.Date = FakeDate as DateConstructor;

  return {
    get fired() {
      return fired;
    },
    now: () => now,
    async tick(ms: number) {
      const until = now + ms;
      for (;;) {
        await flush();
        const due = [...timers.values()].filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!due) break;
        timers.delete(due.id);
        now = Math.max(now, due.at);
        fired += 1;
        due.callback();
      }
      now = until;
      await flush();
    },
    restore() {
      globalThis.setTimeout = real.setTimeout;
      globalThis.clearTimeout = real.clearTimeout;
      globalThis.Date = real.Date;
    },
  };
};
