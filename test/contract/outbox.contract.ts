import { expect } from 'chai';
import type { OutboxMessage, OutboxStore } from '../../src/application/ports/outbox.port';

let n = 0;
const message = (createdAt: Date, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: (Date.now().toString(16) + (++n).toString(16).padStart(6, '0')).padStart(24, '0').slice(-24),
  queue: 'email',
  name: 'welcome',
  data: { to: 'a@example.com', subject: 'Hi', body: 'x' },
  createdAt,
  ...extra,
});

const expectRejection = async (p: Promise<unknown>, what: string): Promise<void> => {
  let failed = false;
  await p.catch(() => (failed = true));
  expect(failed, what).to.equal(true);
};

/** What every outbox store must do, in memory and in MongoDB alike. */
export const outboxStoreContract = (name: string, make: () => Promise<OutboxStore>): void => {
  describe(`OutboxStore contract :: ${name}`, () => {
    let outbox: OutboxStore;
    beforeEach(async () => {
      outbox = await make();
    });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);

    it('claims nothing when it holds nothing', async () => {
      expect(await outbox.claim(t0, 1000)).to.equal(null);
      expect(await outbox.pending()).to.equal(0);
    });

    it('claims the oldest due message with everything it was given', async () => {
      const first = message(t0, { forUserId: 'u1', requestId: 'req-1', priority: 'high' });
      await outbox.add(first);
      await outbox.add(message(at(10)));
      expect(await outbox.claim(at(-1), 1000), 'not due yet').to.equal(null);
      const claimed = await outbox.claim(at(20), 1000);
      expect(claimed).to.deep.include({ ...first, attempts: 1 });
      expect(claimed!.claim).to.be.a('string').and.not.equal('');
      expect(await outbox.pending()).to.equal(2);
    });

    it('gives a message to exactly one of ten concurrent claimers', async () => {
      const m = message(t0);
      await outbox.add(m);
      const claims = await Promise.all(Array.from({ length: 10 }, () => outbox.claim(at(1), 30_000, m.id)));
      expect(claims.filter((c) => c !== null)).to.have.length(1);
    });

    it('gives ten messages to ten concurrent claimers, one each', async () => {
      for (let i = 0; i < 10; i++) await outbox.add(message(at(i)));
      const claims = await Promise.all(Array.from({ length: 10 }, () => outbox.claim(at(100), 30_000)));
      const ids = claims.map((c) => c?.id);
      expect(ids.every(Boolean)).to.equal(true);
      expect(new Set(ids).size).to.equal(10);
    });

    it('lets a claim expire, and then only the new holder can mark it relayed', async () => {
      const m = message(t0);
      await outbox.add(m);
      const first = await outbox.claim(at(1), 1000);
      expect(await outbox.claim(at(500), 1000), 'held by the first claimer').to.equal(null);
      const second = await outbox.claim(at(1001), 1000);
      expect(second).to.deep.include({ id: m.id, attempts: 2 });
      expect(await outbox.markRelayed(m.id, first!.claim, at(1002))).to.equal(false);
      expect(await outbox.markRelayed(m.id, second!.claim, at(1002))).to.equal(true);
      expect(await outbox.claim(at(10_000_000), 1000)).to.equal(null);
      expect(await outbox.pending()).to.equal(0);
    });

    it('records a message already claimed by its writer: held until the lease runs out, then claimable again, and only the holder marks it', async () => {
      const m = message(t0, { forUserId: 'u1', requestId: 'req-1' });
      const held = await outbox.addClaimed(m, at(1), 1000);
      expect(held).to.deep.include({ ...m, attempts: 1 });
      expect(held.claim).to.be.a('string').and.not.equal('');
      expect(await outbox.pending()).to.equal(1);
      expect(await outbox.claim(at(500), 1000), 'held by its writer').to.equal(null);
      expect(await outbox.claim(at(500), 1000, m.id), 'held by its writer, asked by id').to.equal(null);
      const claims = await Promise.all(Array.from({ length: 5 }, () => outbox.claim(at(1001), 30_000, m.id)));
      const taken = claims.filter((c) => c !== null);
      expect(taken, 'once the lease ran out, exactly one other claimer').to.have.length(1);
      expect(taken[0]).to.deep.include({ id: m.id, attempts: 2 });
      expect(await outbox.markRelayed(m.id, held.claim, at(1002)), 'the writer lost it').to.equal(false);
      expect(await outbox.markRelayed(m.id, taken[0]!.claim, at(1002))).to.equal(true);
      expect(await outbox.pending()).to.equal(0);
    });

    it('lets the writer of a claimed message mark it relayed, or give it back', async () => {
      const a = message(t0);
      const b = message(t0);
      const heldA = await outbox.addClaimed(a, at(1), 30_000);
      const heldB = await outbox.addClaimed(b, at(1), 30_000);
      expect(await outbox.markRelayed(a.id, heldA.claim, at(2))).to.equal(true);
      await outbox.release(b.id, heldB.claim, at(5));
      expect(await outbox.claim(at(4), 1000), 'given back, due at 5').to.equal(null);
      expect((await outbox.claim(at(5), 1000))?.id).to.equal(b.id);
      await expectRejection(outbox.addClaimed(a, at(3), 1000), 'the same id twice');
    });

    it('claims one message by id and no other', async () => {
      const a = message(t0);
      const b = message(t0);
      await outbox.add(a);
      await outbox.add(b);
      expect((await outbox.claim(at(1), 1000, b.id))?.id).to.equal(b.id);
      expect(await outbox.claim(at(1), 1000, 'ffffffffffffffffffffffff')).to.equal(null);
    });

    it('makes a released message due again at the time given', async () => {
      const m = message(t0);
      await outbox.add(m);
      const claimed = await outbox.claim(at(1), 60_000);
      await outbox.release(m.id, claimed!.claim, at(5000));
      expect(await outbox.claim(at(4999), 1000)).to.equal(null);
      expect((await outbox.claim(at(5000), 1000))?.id).to.equal(m.id);
    });

    it('forgets discarded messages and purges relayed ones older than asked', async () => {
      const gone = message(t0);
      const old = message(t0);
      const recent = message(t0);
      for (const m of [gone, old, recent]) await outbox.add(m);
      await outbox.discard(gone.id);
      const c1 = await outbox.claim(at(1), 1000, old.id);
      await outbox.markRelayed(old.id, c1!.claim, at(10));
      const c2 = await outbox.claim(at(1), 1000, recent.id);
      await outbox.markRelayed(recent.id, c2!.claim, at(1000));
      expect(await outbox.purgeRelayed(at(500))).to.equal(1);
      expect(await outbox.pending()).to.equal(0);
      expect(await outbox.claim(at(1_000_000), 1000)).to.equal(null);
    });
  });
};
