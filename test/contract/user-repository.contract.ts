import { expect } from 'chai';
import {
  USER_SORT_FIELDS,
  type UserListPosition,
  type UserListQuery,
  type UserRepository,
  type UserSortField,
  userSortKey,
} from '../../src/application/ports/user-repository.port';
import type { User } from '../../src/domain/users/user';
import type { Email } from '../../src/domain/users/email';
import type { UserId } from '../../src/domain/users/user';
import { aUser, newId } from '../support/builders/user.builder';

export type MakeUserRepository = () => Promise<{ repository: UserRepository; cleanup?: () => Promise<void> }>;

type ListOptions = Partial<Omit<UserListQuery, 'from'>> & { readonly page?: number; readonly after?: UserListPosition };

/** A list query: page 1 (counted) unless `page` or `after` says otherwise. */
export const listQuery = (options: ListOptions & { sortBy?: UserSortField } = {}): UserListQuery => {
  const { page, after, ...rest } = options;
  return { limit: 10, sortBy: 'createdAt', sortOrder: 'asc', withTotal: true, ...rest, from: after ? { after } : { page: page ?? 1 } };
};

/** What every UserRepository must do, memory and MongoDB alike. */
export const userRepositoryContract = (name: string, make: MakeUserRepository): void => {
  describe(`UserRepository contract :: ${name}`, () => {
    let repository: UserRepository;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ repository, cleanup } = await make());
    });
    afterEach(async () => cleanup?.());

    it('returns null for an id it does not hold', async () => {
      expect(await repository.findById(newId() as UserId)).to.equal(null);
    });

    it('reads back what it stored, field for field', async () => {
      const user = aUser({ age: null });
      expect(await repository.insert(user)).to.equal('inserted');
      expect(await repository.findById(user.id)).to.deep.equal(user);
    });

    it('hands out copies: changing a user it returned or was given (a name, a date, the role list) changes nothing stored', async () => {
      const user = { ...aUser(), roleIds: [newId()] };
      const given = { ...user, roleIds: [...user.roleIds], createdAt: new Date(user.createdAt) };
      await repository.insert(given);
      given.roleIds.push(newId());
      given.createdAt.setTime(0);
      type Mutable = { name: string; roleIds: string[]; createdAt: Date; updatedAt: Date };
      const read = (await repository.findById(user.id)) as unknown as Mutable;
      const listed = (await repository.list(listQuery({ limit: 100 }))).items.find((u) => u.id === user.id) as unknown as Mutable;
      for (const u of [read, listed]) {
        u.name = 'Mutated';
        u.roleIds.push(newId());
        u.createdAt.setTime(0);
        u.updatedAt.setTime(0);
      }
      expect(await repository.findById(user.id)).to.deep.equal(user);
      expect((await repository.list(listQuery({ limit: 100 }))).items.find((u) => u.id === user.id)).to.deep.equal(user);
    });

    it('finds a user by e-mail whatever its case', async () => {
      const user = aUser({ email: 'Mixed.Case@Example.com' });
      await repository.insert(user);
      const found = await repository.findByEmail('MIXED.case@example.COM' as Email);
      expect(found?.id).to.equal(user.id);
    });

    it('refuses a second user with the same e-mail', async () => {
      const first = aUser({ email: 'twice@example.com' });
      const second = aUser({ email: 'TWICE@example.com' });
      await repository.insert(first);
      expect(await repository.insert(second)).to.equal('email-taken');
      expect(await repository.findById(second.id)).to.equal(null);
    });

    it('treats the NFC and NFD spellings of an e-mail as one address, for lookup and uniqueness', async () => {
      const nfc = `zo\u00eb.${newId()}@example.com`;
      const nfd = nfc.normalize('NFD').toUpperCase();
      const user = aUser({ email: nfc });
      await repository.insert(user, 'stored-hash');
      expect((await repository.findByEmail(nfd as Email))?.id).to.equal(user.id);
      expect((await repository.findCredentials(nfd as Email))?.passwordHash).to.equal('stored-hash');
      // Written around the domain's parser: the repository itself must not keep two spellings apart.
      const twin = { ...aUser(), email: nfd as Email };
      expect(await repository.insert(twin)).to.equal('email-taken');
      const other = aUser();
      await repository.insert(other);
      expect(await repository.update({ ...other, email: nfd as Email, version: 2 })).to.equal('email-taken');
    });

    it('updates when the version follows the stored one', async () => {
      const user = aUser();
      await repository.insert(user);
      const changed = { ...user, name: 'Renamed', version: user.version + 1 };
      expect(await repository.update(changed)).to.equal('updated');
      expect((await repository.findById(user.id))?.name).to.equal('Renamed');
    });

    it('refuses an update made against an old version and keeps the stored one', async () => {
      const user = aUser();
      await repository.insert(user);
      await repository.update({ ...user, name: 'First', version: 2 });
      expect(await repository.update({ ...user, name: 'Stale', version: 2 })).to.equal('version-conflict');
      expect((await repository.findById(user.id))?.name).to.equal('First');
    });

    it('lets exactly one of many concurrent updates made against the same version through', async () => {
      const user = aUser();
      await repository.insert(user);
      for (let round = 0; round < 3; round++) {
        const current = (await repository.findById(user.id))!;
        const names = Array.from({ length: 8 }, (_, i) => `Racer ${round}.${i}`);
        const outcomes = await Promise.all(names.map((name) => repository.update({ ...current, name, version: current.version + 1 })));
        expect(outcomes.filter((o) => o === 'updated'), `round ${round}: ${outcomes.join(', ')}`).to.have.length(1);
        expect(outcomes.filter((o) => o !== 'updated').every((o) => o === 'version-conflict')).to.equal(true);
        const stored = (await repository.findById(user.id))!;
        expect(stored.version).to.equal(current.version + 1);
        expect(stored.name).to.equal(names[outcomes.indexOf('updated')]);
      }
    });

    it('says not-found when updating a user it does not hold', async () => {
      expect(await repository.update({ ...aUser(), version: 2 })).to.equal('not-found');
    });

    it('refuses to move a user onto an e-mail another user holds', async () => {
      const a = aUser({ email: 'a-holder@example.com' });
      const b = aUser();
      await repository.insert(a);
      await repository.insert(b);
      expect(await repository.update({ ...b, email: a.email, version: 2 })).to.equal('email-taken');
      expect((await repository.findByEmail(a.email))?.id).to.equal(a.id);
    });

    it('frees the old e-mail when a user changes it', async () => {
      const user = aUser({ email: 'old-address@example.com' });
      await repository.insert(user);
      await repository.update({ ...user, email: 'new-address@example.com' as Email, version: 2 });
      expect(await repository.findByEmail('old-address@example.com' as Email)).to.equal(null);
      expect(await repository.insert(aUser({ email: 'old-address@example.com' }))).to.equal('inserted');
    });

    context('e-mail verification', () => {
      const t = new Date('2026-03-01T10:00:00Z');

      it('stores a new user unverified, and reads back a verified one as it was stored', async () => {
        const user = aUser();
        await repository.insert(user);
        expect(await repository.findById(user.id)).to.deep.include({ emailVerified: false, emailVerifiedAt: null });
        const verified = { ...aUser(), emailVerified: true, emailVerifiedAt: t };
        await repository.insert(verified);
        expect(await repository.findById(verified.id)).to.deep.equal(verified);
      });

      it('marks the address verified only while the user still has it, and bumps the version', async () => {
        const user = aUser({ email: 'Verify.Me@example.com' });
        await repository.insert(user);
        expect(await repository.markEmailVerified(user.id, 'other@example.com' as Email, t), 'another address').to.equal(null);
        expect(await repository.markEmailVerified(newId() as UserId, user.email, t), 'no such user').to.equal(null);
        const marked = await repository.markEmailVerified(user.id, 'VERIFY.me@EXAMPLE.com' as Email, t);
        expect(marked).to.deep.equal({ ...user, emailVerified: true, emailVerifiedAt: t, updatedAt: t, version: user.version + 1 });
        expect(await repository.findById(user.id)).to.deep.equal(marked);
      });

      it('makes an update written against the unverified user a version conflict, so it cannot undo the verification', async () => {
        const user = aUser();
        await repository.insert(user);
        await repository.markEmailVerified(user.id, user.email, t);
        expect(await repository.update({ ...user, name: 'Stale', version: user.version + 1 })).to.equal('version-conflict');
        expect((await repository.findById(user.id))?.emailVerified).to.equal(true);
      });

      it('leaves a verified user as it is when marked again, and never marks a deleted one', async () => {
        const user = aUser();
        await repository.insert(user);
        const first = await repository.markEmailVerified(user.id, user.email, t);
        expect(await repository.markEmailVerified(user.id, user.email, new Date(t.getTime() + 60_000))).to.deep.equal(first);
        const gone = aUser();
        await repository.insert(gone);
        await repository.update({ ...gone, isDeleted: true, deletedAt: t, version: 2 });
        expect(await repository.markEmailVerified(gone.id, gone.email, t)).to.equal(null);
        expect((await repository.findById(gone.id))?.emailVerified).to.equal(false);
      });

      it('keeps a moved address unverified: the old address cannot verify the new one', async () => {
        const user = aUser({ email: 'before.move@example.com' });
        await repository.insert(user);
        await repository.update({ ...user, email: 'after.move@example.com' as Email, version: 2 });
        expect(await repository.markEmailVerified(user.id, 'before.move@example.com' as Email, t)).to.equal(null);
        expect((await repository.findById(user.id))?.emailVerified).to.equal(false);
      });
    });

    context('listing', () => {
      const seed = async () => {
        const make = (name: string, email: string, age: number | null, createdAt: string) => aUser({ name, email, age }, new Date(createdAt));
        const users = [
          make('Alice Smith', 'alice@example.com', 30, '2026-01-01T00:00:00Z'),
          make('bob Jones', 'bob@example.com', 40, '2026-01-02T00:00:00Z'),
          make('Alina Bell', 'al.b@example.com', null, '2026-01-03T00:00:00Z'),
          make('Carl (x)', 'c.a+rl@example.com', 25, '2026-01-04T00:00:00Z'),
        ];
        for (const u of users) await repository.insert(u);
        const gone = { ...make('Aldo Gone', 'aldo@example.com', 50, '2026-01-05T00:00:00Z') };
        await repository.insert(gone);
        await repository.update({ ...gone, isDeleted: true, deletedAt: new Date(), version: 2 });
        return users;
      };
      const q = (over: ListOptions = {}) => listQuery({ sortBy: 'createdAt', sortOrder: 'asc', ...over });

      it('leaves deleted users out and counts the rest', async () => {
        await seed();
        const { items, total } = await repository.list(q());
        expect(total).to.equal(4);
        expect(items.map((u) => u.name)).to.deep.equal(['Alice Smith', 'bob Jones', 'Alina Bell', 'Carl (x)']);
      });

      it('searches name or e-mail prefixes, ignoring case', async () => {
        await seed();
        expect((await repository.list(q({ search: 'AL' }))).items.map((u) => u.name)).to.deep.equal(['Alice Smith', 'Alina Bell']);
        expect((await repository.list(q({ search: 'bob@' }))).total).to.equal(1);
        expect((await repository.list(q({ search: 'smith' }))).total).to.equal(0);
      });

      it('takes search text literally, never as a pattern', async () => {
        await seed();
        expect((await repository.list(q({ search: '.*' }))).total).to.equal(0);
        expect((await repository.list(q({ search: 'al.' }))).items.map((u) => u.email)).to.deep.equal(['al.b@example.com']);
        expect((await repository.list(q({ search: 'carl (' }))).total).to.equal(1);
        expect((await repository.list(q({ search: 'c.a+' }))).total).to.equal(1);
        expect((await repository.list(q({ search: '[a-z]' }))).total).to.equal(0);
      });

      it('sorts by name ignoring case, and pages without overlap', async () => {
        await seed();
        const byName = await repository.list(q({ sortBy: 'name', sortOrder: 'desc' }));
        expect(byName.items.map((u) => u.name)).to.deep.equal(['Carl (x)', 'bob Jones', 'Alina Bell', 'Alice Smith']);
        const p1 = await repository.list(q({ sortBy: 'email', limit: 3, page: 1 }));
        const p2 = await repository.list(q({ sortBy: 'email', limit: 3, page: 2 }));
        expect(p1.total).to.equal(4);
        expect([...p1.items, ...p2.items].map((u) => u.email)).to.deep.equal(['al.b@example.com', 'alice@example.com', 'bob@example.com', 'c.a+rl@example.com']);
      });

      it('filters by status', async () => {
        const [alice] = await seed();
        await repository.update({ ...alice!, status: 'suspended', version: 2 });
        expect((await repository.list(q({ status: 'suspended' }))).items.map((u) => u.id)).to.deep.equal([alice!.id]);
        expect((await repository.list(q({ status: 'active' }))).total).to.equal(3);
      });

      it('streams every visible user', async () => {
        await seed();
        const seen: string[] = [];
        for await (const u of repository.streamVisible()) seen.push(u.name);
        expect(seen).to.have.members(['Alice Smith', 'bob Jones', 'Alina Bell', 'Carl (x)']);
      });
    });

    context('paging by cursor (keyset)', () => {
      const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 60_000).toISOString();
      /** Users whose sort keys tie in every field (three per minute, repeated names and ages, null ages). */
      const seedMany = async (n: number): Promise<User[]> => {
        const users: User[] = [];
        for (let i = 0; i < n; i++) {
          const u = aUser({ name: `${i % 2 ? 'member' : 'Member'} ${String(i % 7)}`, email: `m${String(i).padStart(3, '0')}.${newId()}@example.com`, age: i % 4 === 0 ? null : 20 + (i % 5) }, new Date(at(i)));
          await repository.insert(u);
          users.push(u);
        }
        return users;
      };
      const walk = async (query: ListOptions): Promise<User[][]> => {
        const pages: User[][] = [];
        let after: UserListPosition | undefined;
        for (let guard = 0; guard < 100; guard++) {
          const page = await repository.list(listQuery({ ...query, ...(after ? { after } : {}), withTotal: false }));
          expect(page.total).to.equal(null);
          pages.push(page.items);
          if (!page.next) return pages;
          const last = page.items[page.items.length - 1]!;
          expect(page.next).to.deep.equal({ key: userSortKey(last, query.sortBy ?? 'createdAt'), id: last.id });
          after = page.next;
        }
        throw new Error('the walk did not end');
      };

      it('walks every visible user exactly once, in the same order as the pages by number, for every sort field and order', async () => {
        const users = await seedMany(23);
        await repository.update({ ...users[5]!, isDeleted: true, deletedAt: new Date(), version: 2 });
        for (const sortBy of USER_SORT_FIELDS) {
          for (const sortOrder of ['asc', 'desc'] as const) {
            const all = (await repository.list(listQuery({ sortBy, sortOrder, limit: 100 }))).items.map((u) => u.id);
            expect(all).to.have.length(22);
            const pages = await walk({ sortBy, sortOrder, limit: 4 });
            expect(pages.map((p) => p.length), `${sortBy} ${sortOrder}`).to.deep.equal([4, 4, 4, 4, 4, 2]);
            expect(pages.flat().map((u) => u.id), `${sortBy} ${sortOrder}`).to.deep.equal(all);
          }
        }
      });

      it('sorts users without an age before every age (after them, descending), in both modes', async () => {
        await seedMany(9);
        const asc = (await repository.list(listQuery({ sortBy: 'age', sortOrder: 'asc', limit: 100 }))).items.map((u) => u.age);
        expect(asc.slice(0, 3)).to.deep.equal([null, null, null]);
        expect(asc.slice(3)).to.deep.equal([...asc.slice(3)].sort((a, b) => a! - b!));
        const desc = (await walk({ sortBy: 'age', sortOrder: 'desc', limit: 2 })).flat().map((u) => u.age);
        expect(desc).to.deep.equal([...asc].reverse());
      });

      it('walks with the filters: status and search', async () => {
        const users = await seedMany(14);
        for (const u of users.filter((_, i) => i % 3 === 0)) await repository.update({ ...u, status: 'suspended', version: 2 });
        const suspended = (await walk({ sortBy: 'name', sortOrder: 'asc', status: 'suspended', limit: 2 })).flat();
        expect(suspended.map((u) => u.id)).to.have.members(users.filter((_, i) => i % 3 === 0).map((u) => u.id));
        expect(suspended.every((u) => u.status === 'suspended')).to.equal(true);
        const found = (await walk({ sortBy: 'email', sortOrder: 'desc', search: 'm00', limit: 3 })).flat();
        expect(found.map((u) => u.email.slice(0, 4))).to.deep.equal(['m009', 'm008', 'm007', 'm006', 'm005', 'm004', 'm003', 'm002', 'm001', 'm000']);
      });

      it('returns every user that was there at the start exactly once, in order, when users are added and removed between pages', async () => {
        const users = await seedMany(12);
        const order = (u: User) => [userSortKey(u, 'createdAt') as number, u.id] as const;
        const seen: User[] = [];
        let after: UserListPosition | undefined;
        let added = 0;
        for (let guard = 0; guard < 50; guard++) {
          const page = await repository.list(listQuery({ sortBy: 'createdAt', sortOrder: 'asc', limit: 3, withTotal: false, ...(after ? { after } : {}) }));
          seen.push(...page.items);
          if (!page.next) break;
          after = page.next;
          // One user before the cursor (already passed: not seen), one far after it (seen), and the
          // cursor's own user deleted: the walk goes on from its place.
          await repository.insert(aUser({ name: `early ${++added}` }, new Date(Date.UTC(2025, 0, 1))));
          await repository.insert(aUser({ name: `late ${added}` }, new Date(Date.UTC(2027, 0, added))));
          const cursorUser = page.items[page.items.length - 1]!;
          await repository.update({ ...cursorUser, isDeleted: true, deletedAt: new Date(), version: cursorUser.version + 1 });
        }
        const ids = seen.map((u) => u.id);
        expect(new Set(ids).size).to.equal(ids.length);
        expect(ids).to.include.members(users.map((u) => u.id));
        expect(seen.some((u) => u.name.startsWith('early'))).to.equal(false);
        expect(seen.filter((u) => u.name.startsWith('late'))).to.have.length(added);
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [order(seen[i - 1]!), order(seen[i]!)];
          expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]), `${i}: out of order`).to.equal(true);
        }
      });

      it('counts only when asked, and says where the next page starts while more follow', async () => {
        await seedMany(5);
        const counted = await repository.list(listQuery({ limit: 2, page: 2 }));
        expect(counted.total).to.equal(5);
        expect(counted.next).to.not.equal(null);
        const uncounted = await repository.list(listQuery({ limit: 2, page: 2, withTotal: false }));
        expect(uncounted.total).to.equal(null);
        expect(uncounted.items.map((u) => u.id)).to.deep.equal(counted.items.map((u) => u.id));
        expect(uncounted.next).to.deep.equal(counted.next);
        expect((await repository.list(listQuery({ limit: 2, page: 3 }))).next).to.equal(null);
        expect((await repository.list(listQuery({ limit: 2, page: 3, withTotal: false }))).next).to.equal(null);
        expect((await repository.list(listQuery({ limit: 5, page: 1, withTotal: false }))).next).to.equal(null);
        expect((await repository.list(listQuery({ limit: 2, page: 9 }))).items).to.deep.equal([]);
      });

      it('continues after a position whose user is gone, and from a position past the end', async () => {
        const users = await seedMany(6);
        const sorted = (await repository.list(listQuery({ limit: 100 }))).items;
        const gone = sorted[2]!;
        await repository.update({ ...gone, isDeleted: true, deletedAt: new Date(), version: gone.version + 1 });
        const rest = await repository.list(listQuery({ limit: 100, after: { key: userSortKey(gone, 'createdAt'), id: gone.id }, withTotal: false }));
        expect(rest.items.map((u) => u.id)).to.deep.equal(sorted.slice(3).map((u) => u.id));
        const end = await repository.list(listQuery({ limit: 10, after: { key: Date.UTC(2030, 0, 1), id: users[0]!.id }, withTotal: false }));
        expect(end).to.deep.equal({ items: [], total: null, next: null });
      });
    });

    context('credentials and roles', () => {
      it('keeps the password hash out of ordinary reads and hands it to findCredentials', async () => {
        const user = aUser();
        await repository.insert(user, '$argon2id$fake-hash');
        expect(JSON.stringify(await repository.findById(user.id))).to.not.include('argon2id');
        const creds = await repository.findCredentials(user.email);
        expect(creds?.passwordHash).to.equal('$argon2id$fake-hash');
        expect(creds?.user.id).to.equal(user.id);
        expect(await repository.findCredentials('nobody@example.com' as Email)).to.equal(null);
      });

      it('replaces the password with its history', async () => {
        const user = aUser();
        await repository.insert(user, 'h1');
        const history = [
          { hash: 'h2', changedAt: new Date('2026-02-01T00:00:00Z') },
          { hash: 'h1', changedAt: user.createdAt },
        ];
        await repository.setPassword(user.id, history);
        expect(await repository.passwordHistory(user.id)).to.deep.equal(history);
        expect((await repository.findCredentials(user.email))?.passwordHash).to.equal('h2');
      });

      it('counts and groups visible members of each role', async () => {
        const roleA = newId();
        const roleB = newId();
        const u1 = { ...aUser({ name: 'One', age: 20 }), roleIds: [roleA] };
        const u2 = { ...aUser({ name: 'Two', age: null }), roleIds: [roleA, roleB] };
        const u3 = { ...aUser({ name: 'Three', age: 31 }), roleIds: [roleA], isDeleted: true };
        for (const u of [u1, u2, u3]) await repository.insert(u);
        expect(await repository.countWithRole(roleA)).to.equal(2);
        expect(await repository.countWithRole(newId())).to.equal(0);
        const groups = await repository.membersByRole();
        const a = groups.find((g) => g.roleId === roleA);
        expect(a).to.deep.include({ totalUsers: 2, ageSum: 20, ageCount: 1 });
        expect(a?.users.map((u) => u.name)).to.have.members(['One', 'Two']);
        expect(groups.find((g) => g.roleId === roleB)?.totalUsers).to.equal(1);
      });
    });
  });
};
