import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import type { AccountToken, AccountTokenStore } from '../../src/application/ports/account-token-store.port';
import { newId } from '../support/builders/user.builder';

const t0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 3600_000;

const aToken = (over: Partial<AccountToken> = {}): AccountToken => ({
  purpose: 'password-reset',
  tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
  userId: newId(),
  email: 'owner@example.com',
  createdAt: t0,
  expiresAt: at(HOUR),
  ...over,
});

/** What every one-time account token store must do, in memory and in MongoDB (FerretDB) alike. */
export const accountTokenStoreContract = (name: string, make: () => Promise<AccountTokenStore>): void => {
  describe(`AccountTokenStore contract :: ${name}`, () => {
    let store: AccountTokenStore;
    beforeEach(async () => {
      store = await make();
    });

    it('hands back a token it holds, field for field, and knows nothing else', async () => {
      const token = aToken({ purpose: 'email-verification', email: 'zoë@example.com' });
      await store.issue(token);
      expect(await store.check('email-verification', token.tokenHash, at(1))).to.deep.equal({ status: 'valid', token });
      expect(await store.check('email-verification', aToken().tokenHash, at(1))).to.deep.equal({ status: 'unknown' });
      expect(await store.consume('email-verification', aToken().tokenHash, at(1))).to.deep.equal({ status: 'unknown' });
    });

    it('keeps purposes apart: a reset token is unknown to verification, and back', async () => {
      const reset = aToken({ purpose: 'password-reset' });
      await store.issue(reset);
      expect((await store.check('email-verification', reset.tokenHash, at(1))).status).to.equal('unknown');
      expect((await store.consume('email-verification', reset.tokenHash, at(1))).status).to.equal('unknown');
      expect((await store.consume('password-reset', reset.tokenHash, at(1))).status).to.equal('consumed');
    });

    it('is used once: the second use, and every check after, says used', async () => {
      const token = aToken();
      await store.issue(token);
      expect(await store.consume('password-reset', token.tokenHash, at(1))).to.deep.equal({ status: 'consumed', token });
      expect(await store.consume('password-reset', token.tokenHash, at(2))).to.deep.equal({ status: 'used' });
      expect(await store.check('password-reset', token.tokenHash, at(3))).to.deep.equal({ status: 'used' });
    });

    it('checks without using: a token checked any number of times is still there to consume', async () => {
      const token = aToken();
      await store.issue(token);
      for (let i = 0; i < 3; i++) expect((await store.check('password-reset', token.tokenHash, at(i))).status).to.equal('valid');
      expect((await store.consume('password-reset', token.tokenHash, at(10))).status).to.equal('consumed');
    });

    it('expires at expiresAt: usable a millisecond before, expired from that instant on', async () => {
      const early = aToken();
      const late = aToken();
      await store.issue(early);
      await store.issue(late);
      expect((await store.check('password-reset', early.tokenHash, at(HOUR))).status).to.equal('expired');
      expect((await store.consume('password-reset', early.tokenHash, at(HOUR))).status).to.equal('expired');
      expect((await store.consume('password-reset', late.tokenHash, at(HOUR - 1))).status).to.equal('consumed');
    });

    it('gives a token to exactly one of ten concurrent consumers; the others hear it was used', async () => {
      const token = aToken();
      await store.issue(token);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.consume('password-reset', token.tokenHash, at(i))));
      expect(results.filter((r) => r.status === 'consumed')).to.have.length(1);
      expect(results.filter((r) => r.status === 'used')).to.have.length(9);
    });

    it('withdraws the unused, unexpired tokens of one user for the purposes named, and no others', async () => {
      const userId = newId();
      const open = aToken({ userId });
      const other = aToken({ userId, purpose: 'email-verification' });
      const used = aToken({ userId });
      const expired = aToken({ userId, expiresAt: at(10) });
      const someoneElse = aToken();
      for (const t of [open, other, used, expired, someoneElse]) await store.issue(t);
      await store.consume('password-reset', used.tokenHash, at(1));

      expect(await store.revokeUnused(userId, ['password-reset'], at(100))).to.equal(1);
      expect(await store.check('password-reset', open.tokenHash, at(101))).to.deep.equal({ status: 'revoked', token: open });
      expect(await store.consume('password-reset', open.tokenHash, at(101))).to.deep.equal({ status: 'revoked' });
      expect((await store.check('password-reset', used.tokenHash, at(101))).status).to.equal('used');
      expect((await store.check('password-reset', expired.tokenHash, at(101))).status).to.equal('expired');
      expect((await store.check('email-verification', other.tokenHash, at(101))).status).to.equal('valid');
      expect((await store.check('password-reset', someoneElse.tokenHash, at(101))).status).to.equal('valid');

      expect(await store.revokeUnused(userId, ['password-reset', 'email-verification'], at(200))).to.equal(1);
      expect((await store.check('email-verification', other.tokenHash, at(201))).status).to.equal('revoked');
      expect(await store.revokeUnused(userId, ['password-reset', 'email-verification'], at(300))).to.equal(0);
    });

    it('either consumes or withdraws a token when both race, never both', async () => {
      for (let round = 0; round < 5; round++) {
        const token = aToken();
        await store.issue(token);
        const [revoked, ...consumed] = await Promise.all([
          store.revokeUnused(token.userId, ['password-reset'], at(1)),
          ...Array.from({ length: 4 }, () => store.consume('password-reset', token.tokenHash, at(1))),
        ]);
        const wins = (consumed as { status: string }[]).filter((c) => c.status === 'consumed').length;
        expect(wins + (revoked as number), `round ${round}`).to.equal(1);
        const after = (await store.check('password-reset', token.tokenHash, at(2))).status;
        expect(after).to.equal(wins === 1 ? 'used' : 'revoked');
      }
    });

    it('forgets a token a day after it expired (a later link works as ever)', async () => {
      const old = aToken({ expiresAt: at(HOUR) });
      await store.issue(old);
      expect((await store.check('password-reset', old.tokenHash, at(2 * HOUR))).status).to.equal('expired');
      const later = aToken({ createdAt: at(26 * HOUR), expiresAt: at(27 * HOUR) });
      await store.issue(later);
      expect((await store.check('password-reset', old.tokenHash, at(26 * HOUR))).status).to.equal('unknown');
      expect((await store.consume('password-reset', later.tokenHash, at(26 * HOUR))).status).to.equal('consumed');
    });
  });
};
