import argon2 from 'argon2';
import { availableParallelism } from 'node:os';
import { Busy } from '../../application/ports/busy';
import type { PasswordHasher } from '../../application/ports/password-hasher.port';

/**
 * argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 iterations, 1 lane
 * (OWASP Password Storage Cheat Sheet). Parameters are stored in each hash, so raising them
 * later still verifies old hashes.
 */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export interface Argon2PoolOptions {
  /** Cost parameters (OWASP's minimum by default). */
  readonly params?: Argon2Params;
  /** Hashes and verifies computed at once (see `defaultConcurrency`). */
  readonly concurrency?: number;
  /** Calls that may wait for a turn, first come first served; one more is refused with `Busy`. */
  readonly maxWaiting?: number;
}

/**
 * One argon2 computation per core, leaving at least one of libuv's threads (UV_THREADPOOL_SIZE,
 * 4 unless set) free for the rest of the process' pooled work (zlib, file, DNS, crypto): more
 * at once than cores only makes each one slower, and argon2 on every thread starves the rest.
 */
export const defaultConcurrency = (cores = availableParallelism(), threads = Number(process.env['UV_THREADPOOL_SIZE']) || 4): number =>
  Math.max(1, Math.min(cores, threads - 1));

/** Waiting calls per running one: with ~50 ms a hash, a full queue is about 1.5 s of waiting. */
const WAITING_PER_SLOT = 32;

/**
 * argon2id behind a bounded pool: at most `concurrency` computations run at once, at most
 * `maxWaiting` calls wait for a turn (in order of arrival), and any call beyond that is refused
 * with `Busy` at once. Under a burst, latency stays that of the queue's length instead of every
 * request waiting behind an unbounded backlog (and libuv's four threads, shared with everything
 * else, stay partly free).
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly params: Argon2Params;
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: Argon2PoolOptions = {}) {
    this.params = options.params ?? OWASP_ARGON2ID;
    this.concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
    this.maxWaiting = Math.max(0, options.maxWaiting ?? this.concurrency * WAITING_PER_SLOT);
  }

  hash(password: string): Promise<string> {
    return this.inTurn(() => argon2.hash(password, { ...this.params, type: argon2.argon2id }));
  }

  verify(hash: string, password: string): Promise<boolean> {
    // Busy is not "no": only a hash that is not ours answers false.
    return this.inTurn(() => argon2.verify(hash, password).catch(() => false));
  }

  /** Calls now waiting for a turn (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.maxWaiting) throw new Busy('password hashing');
      // The finishing call hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
