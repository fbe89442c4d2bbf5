import { expect } from 'chai';
import type { RateLimiter } from '../../src/application/ports/rate-limiter.port';
import { sleep } from '../support/eventually';

export type MakeRateLimiter = (rules: { limit: number; windowSeconds: number }) => Promise<{ limiter: RateLimiter; cleanup?: () => Promise<void> }>;

/** What every RateLimiter must do, in-process and Redis alike: a fixed window of `limit` events per key. */
export const rateLimiterContract = (name: string, make: MakeRateLimiter): void => {
  describe(`RateLimiter contract :: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    let keys = 0;
    // Unique per test, so a shared Redis never carries counts from one test into the next.
    const key = (k: string) => `contract:${process.pid}:${Date.now()}:${++keys}:${k}`;
    const limiterOf = async (limit: number, windowSeconds = 60): Promise<RateLimiter> => {
      const made = await make({ limit, windowSeconds });
      cleanup = made.cleanup;
      return made.limiter;
    };
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('counts each consume and refuses past the limit, saying how many remain and when the window resets', async () => {
      const limiter = await limiterOf(3);
      const k = key('count');

      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.consume(k));

      expect(limiter.limit).to.equal(3);
      expect(decisions.map((d) => [d.allowed, d.limit, d.remaining])).to.deep.equal([
        [true, 3, 2],
        [true, 3, 1],
        [true, 3, 0],
        [false, 3, 0],
      ]);
      for (const d of decisions) expect(d.resetMs).to.be.within(1, 60_000);
    });

    it('peeks without counting', async () => {
      const limiter = await limiterOf(2);
      const k = key('peek');

      expect(await limiter.peek(k)).to.deep.include({ allowed: true, limit: 2, remaining: 2 });
      await limiter.consume(k);
      const first = await limiter.peek(k);
      const second = await limiter.peek(k);

      expect(first).to.deep.include({ allowed: true, remaining: 1 });
      expect(second).to.deep.include({ allowed: true, remaining: 1 });
      expect(first.resetMs).to.be.within(1, 60_000);
      expect(await limiter.consume(k)).to.deep.include({ allowed: true, remaining: 0 });
      expect(await limiter.peek(k)).to.deep.include({ allowed: false, remaining: 0 });
    });

    it('keeps a separate count for each key', async () => {
      const limiter = await limiterOf(1);
      const [a, b] = [key('a'), key('b')];

      await limiter.consume(a);
      expect((await limiter.consume(a)).allowed).to.equal(false);

      expect(await limiter.consume(b)).to.deep.include({ allowed: true, remaining: 0 });
      expect(await limiter.peek(a)).to.deep.include({ allowed: false });
    });

    it('allows again once the window has passed', async () => {
      const limiter = await limiterOf(1, 1);
      const k = key('window');

      expect((await limiter.consume(k)).allowed).to.equal(true);
      const refused = await limiter.consume(k);
      expect(refused.allowed).to.equal(false);
      expect(refused.resetMs).to.be.within(1, 1000);

      await sleep(refused.resetMs + 150);

      expect(await limiter.peek(k)).to.deep.include({ allowed: true, remaining: 1 });
      expect(await limiter.consume(k)).to.deep.include({ allowed: true, remaining: 0 });
    });

    it('gives back a counted event on refund, so the key may count it again', async () => {
      const limiter = await limiterOf(2);
      const k = key('refund');

      await limiter.consume(k);
      await limiter.consume(k);
      expect(await limiter.peek(k)).to.deep.include({ allowed: false, remaining: 0 });
      await limiter.refund(k);

      expect(await limiter.peek(k)).to.deep.include({ allowed: true, remaining: 1 });
      expect(await limiter.consume(k)).to.deep.include({ allowed: true, remaining: 0 });
      expect((await limiter.consume(k)).allowed).to.equal(false);
    });

    it('never refunds below zero: a refund for a key with no count grants nothing extra', async () => {
      const limiter = await limiterOf(1);
      const k = key('refund-empty');

      await limiter.refund(k);
      await limiter.refund(k);

      expect(await limiter.peek(k)).to.deep.include({ allowed: true, remaining: 1 });
      expect((await limiter.consume(k)).allowed).to.equal(true);
      expect((await limiter.consume(k)).allowed).to.equal(false);
    });

    it('holds exactly the limit while refused consumes are refunded, and frees it as the rest are', async () => {
      const limiter = await limiterOf(3);
      const k = key('reserve');

      // What the auth limit does: reserve before a check, give back what was refused at once.
      const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.consume(k)));
      await Promise.all(decisions.filter((d) => !d.allowed).map(() => limiter.refund(k)));

      expect(decisions.filter((d) => d.allowed)).to.have.length(3);
      expect(await limiter.peek(k)).to.deep.include({ allowed: false, remaining: 0 });
      await Promise.all(decisions.filter((d) => d.allowed).map(() => limiter.refund(k)));
      expect(await limiter.peek(k)).to.deep.include({ allowed: true, remaining: 3 });
    });

    it('allows exactly the limit out of many concurrent consumes', async () => {
      const limiter = await limiterOf(5);
      const k = key('race');

      const decisions = await Promise.all(Array.from({ length: 12 }, () => limiter.consume(k)));

      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).to.have.length(5);
      expect(allowed.map((d) => d.remaining).sort()).to.deep.equal([0, 1, 2, 3, 4]);
      expect(await limiter.peek(k)).to.deep.include({ allowed: false, remaining: 0 });
    });
  });
};
