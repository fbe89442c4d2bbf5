import { expect } from 'chai';
import type { RefreshTokenStore } from '../../src/application/ports/refresh-token-store.port';
import type { RefreshToken, SessionRecord } from '../../src/domain/auth/session';
import { newId } from '../support/builders/user.builder';

const at = (iso: string) => new Date(iso);

const aSession = (overrides: Partial<RefreshToken> = {}): RefreshToken => ({
  id: newId(),
  userId: newId(),
  familyId: newId(),
  tokenHash: `hash-${newId()}`,
  createdAt: at('2026-01-01T00:00:00Z'),
  expiresAt: at('2027-01-01T00:00:00Z'),
  spentAt: null,
  revokedAt: null,
  ...overrides,
});

export const refreshTokenStoreContract = (name: string, make: () => Promise<RefreshTokenStore>): void => {
  describe(`RefreshTokenStore contract :: ${name}`, () => {
    let store: RefreshTokenStore;
    beforeEach(async () => {
      store = await make();
    });

    it('finds a session by its token hash only', async () => {
      const s = aSession();
      await store.insert(s);
      expect(await store.findByHash(s.tokenHash)).to.deep.equal(s);
      expect(await store.findByHash('other')).to.equal(null);
    });

    it('lets a token be spent exactly once, even when two try at once', async () => {
      const s = aSession();
      await store.insert(s);
      const results = await Promise.all([store.spend(s.id, at('2026-02-01T00:00:00Z')), store.spend(s.id, at('2026-02-01T00:00:00Z'))]);
      expect(results.filter(Boolean)).to.have.length(1);
      expect((await store.findByHash(s.tokenHash))?.spentAt?.toISOString()).to.equal('2026-02-01T00:00:00.000Z');
    });

    it('revokes a whole family and nothing else', async () => {
      const family = newId();
      const a = aSession({ familyId: family });
      const b = aSession({ familyId: family, userId: a.userId });
      const other = aSession({ userId: a.userId });
      for (const s of [a, b, other]) await store.insert(s);
      expect(await store.revokeFamily(family, at('2026-03-01T00:00:00Z'))).to.equal(2);
      expect((await store.findByHash(a.tokenHash))?.revokedAt).to.not.equal(null);
      expect((await store.findByHash(other.tokenHash))?.revokedAt).to.equal(null);
      expect(await store.spend(b.id, at('2026-03-02T00:00:00Z'))).to.equal(false);
    });

    it("revokes a user's sessions except the one family it is told to keep", async () => {
      const userId = newId();
      const keep = aSession({ userId });
      const drop1 = aSession({ userId });
      const drop2 = aSession({ userId });
      const stranger = aSession();
      for (const s of [keep, drop1, drop2, stranger]) await store.insert(s);
      expect(await store.revokeForUser(userId, at('2026-03-01T00:00:00Z'), keep.familyId)).to.have.members([drop1.familyId, drop2.familyId]);
      expect((await store.findByHash(keep.tokenHash))?.revokedAt).to.equal(null);
      expect((await store.findByHash(stranger.tokenHash))?.revokedAt).to.equal(null);
      expect(await store.revokeForUser(userId, at('2026-03-01T00:00:00Z'))).to.deep.equal([keep.familyId]);
      expect(await store.revokeForUser(userId, at('2026-03-02T00:00:00Z'))).to.deep.equal([]);
    });

    it('names each revoked session (family) once, however many of its tokens it revoked', async () => {
      const userId = newId();
      const family = newId();
      for (const s of [aSession({ userId, familyId: family }), aSession({ userId, familyId: family }), aSession({ userId, familyId: family })]) await store.insert(s);
      expect(await store.revokeForUser(userId, at('2026-03-01T00:00:00Z'))).to.deep.equal([family]);
    });

    it('tells whose a session is and whether it was revoked; null for an unknown one', async () => {
      const family = newId();
      const first = aSession({ familyId: family, spentAt: at('2026-01-02T00:00:00Z') });
      const successor = aSession({ familyId: family, userId: first.userId });
      for (const s of [first, successor]) await store.insert(s);
      expect(await store.findSession(family)).to.deep.equal({ userId: first.userId, revoked: false });
      expect(await store.findSession(newId())).to.equal(null);
      await store.revokeFamily(family, at('2026-03-01T00:00:00Z'));
      expect(await store.findSession(family)).to.deep.equal({ userId: first.userId, revoked: true });
    });

    it('keeps a revoked session revoked when a racing refresh adds a live token to it', async () => {
      const family = newId();
      const first = aSession({ familyId: family });
      await store.insert(first);
      await store.revokeFamily(family, at('2026-03-01T00:00:00Z'));
      await store.insert(aSession({ familyId: family, userId: first.userId }));
      expect(await store.findSession(family)).to.deep.equal({ userId: first.userId, revoked: true });
    });

    context('session records', () => {
      const NOW = at('2026-06-01T12:00:00Z');
      const aRecord = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
        id: newId(),
        userId: newId(),
        createdAt: at('2026-05-01T08:00:00Z'),
        lastUsedAt: at('2026-05-01T08:00:00Z'),
        userAgent: 'curl/8.5.0',
        ip: '203.0.113.7',
        ...overrides,
      });
      /** A session as login makes one: its record, then its first token. */
      const started = async (overrides: Partial<SessionRecord> = {}, token: Partial<RefreshToken> = {}): Promise<SessionRecord> => {
        const record = aRecord(overrides);
        await store.open(record);
        await store.insert(aSession({ userId: record.userId, familyId: record.id, createdAt: record.createdAt, ...token }));
        return record;
      };

      it("lists a user's live sessions with their client and dates, most recently used first, and nobody else's", async () => {
        const userId = newId();
        const older = await started({ userId, lastUsedAt: at('2026-05-02T00:00:00Z'), userAgent: 'Firefox', ip: '198.51.100.1' });
        const newer = await started({ userId, lastUsedAt: at('2026-05-30T00:00:00Z'), userAgent: 'Safari', ip: '2001:db8::1' });
        await started();
        expect(await store.listLive(userId, NOW)).to.deep.equal([newer, older]);
        expect(await store.listLive(newId(), NOW)).to.deep.equal([]);
      });

      it('keeps the record across refreshes: one entry per session however many tokens it has had', async () => {
        const session = await started();
        const first = aSession({ userId: session.userId, familyId: session.id, spentAt: at('2026-05-10T00:00:00Z') });
        await store.insert(first);
        await store.insert(aSession({ userId: session.userId, familyId: session.id, createdAt: at('2026-05-10T00:00:00Z') }));
        expect(await store.listLive(session.userId, NOW)).to.deep.equal([session]);
      });

      it('leaves out revoked sessions (even with a live token slipped in after), expired and spent-out ones', async () => {
        const userId = newId();
        const live = await started({ userId });
        const revoked = await started({ userId });
        await store.revokeFamily(revoked.id, at('2026-05-20T00:00:00Z'));
        await store.insert(aSession({ userId, familyId: revoked.id }));
        await started({ userId }, { expiresAt: NOW });
        await started({ userId }, { spentAt: at('2026-05-20T00:00:00Z') });
        const ended = await started({ userId });
        expect(await store.revokeForUser(userId, at('2026-05-21T00:00:00Z'), live.id)).to.include(ended.id);
        expect((await store.listLive(userId, NOW)).map((s) => s.id)).to.deep.equal([live.id]);
      });

      it('describes a live session without a record (begun before records) by its newest token', async () => {
        const legacy = aSession({ createdAt: at('2026-05-05T05:00:00Z') });
        await store.insert(legacy);
        expect(await store.listLive(legacy.userId, NOW)).to.deep.equal([
          { id: legacy.familyId, userId: legacy.userId, createdAt: legacy.createdAt, lastUsedAt: legacy.createdAt, userAgent: '', ip: '' },
        ]);
      });

      it('keeps the first record when a start is retried', async () => {
        const session = await started({ userAgent: 'first' });
        await store.open({ ...session, userAgent: 'second', createdAt: NOW });
        expect((await store.listLive(session.userId, NOW))[0]?.userAgent).to.equal('first');
      });

      it('records a use only when the last one is at or before the bound it is given', async () => {
        const session = await started({ lastUsedAt: at('2026-06-01T11:58:00Z') });
        const minuteBefore = (d: Date) => new Date(d.getTime() - 60_000);
        const t1 = at('2026-06-01T11:59:30Z');
        expect(await store.touch(session.id, t1, minuteBefore(t1))).to.equal(true);
        const t2 = at('2026-06-01T12:00:00Z');
        expect(await store.touch(session.id, t2, minuteBefore(t2))).to.equal(false);
        expect((await store.listLive(session.userId, NOW))[0]?.lastUsedAt).to.deep.equal(t1);
        const t3 = at('2026-06-01T12:00:30Z'); // a minute to the millisecond: due
        expect(await store.touch(session.id, t3, minuteBefore(t3))).to.equal(true);
        expect((await store.listLive(session.userId, NOW))[0]?.lastUsedAt).to.deep.equal(t3);
        expect(await store.touch(newId(), t3, minuteBefore(t3))).to.equal(false);
      });

      // One conditional write to one document: atomic on MongoDB, so exactly one racer writes.
      // FerretDB v1 reads and writes separately, so racers arriving in the same instant may each
      // write (the same value); the bound that matters, no write for the next minute, holds on both.
      it('records a use when instances race to record it, then nothing for a minute', async () => {
        const session = await started({ lastUsedAt: at('2026-06-01T11:00:00Z') });
        const t = at('2026-06-01T12:00:00Z');
        const minuteBefore = (d: Date) => new Date(d.getTime() - 60_000);
        const wrote = await Promise.all(Array.from({ length: 5 }, () => store.touch(session.id, t, minuteBefore(t))));
        expect(wrote.filter(Boolean).length).to.be.at.least(1);
        expect((await store.listLive(session.userId, NOW))[0]?.lastUsedAt).to.deep.equal(t);
        const later = at('2026-06-01T12:00:59Z');
        expect(await Promise.all(Array.from({ length: 5 }, () => store.touch(session.id, later, minuteBefore(later))))).to.deep.equal([false, false, false, false, false]);
        expect((await store.listLive(session.userId, NOW))[0]?.lastUsedAt).to.deep.equal(t);
      });
    });
  });
};
