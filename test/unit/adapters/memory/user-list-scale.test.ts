import { expect } from 'chai';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { type UserListPosition, type UserListQuery, userSortKey } from '../../../../src/application/ports/user-repository.port';
import type { User } from '../../../../src/domain/users/user';
import { listQuery } from '../../../contract/user-repository.contract';
import { seedManyUsers } from '../../../support/builders/many-users';

/**
 * The listing before keyset paging and sorted indexes: filter every user, sort them all, slice.
 * Offset pages must still come out exactly as it made them.
 */
const reference = (users: readonly User[], q: UserListQuery & { from: { page: number } }): { ids: string[]; total: number } => {
  const prefix = q.search?.normalize('NFC').toLowerCase();
  const matching = users.filter(
    (u) => !u.isDeleted && (q.status === undefined || u.status === q.status) && (prefix === undefined || u.name.toLowerCase().startsWith(prefix) || u.email.startsWith(prefix)),
  );
  const value = (u: User): number | string => (q.sortBy === 'age' ? (u.age ?? -1) : (userSortKey(u, q.sortBy) as number | string));
  const dir = q.sortOrder === 'asc' ? 1 : -1;
  const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
  matching.sort((a, b) => dir * cmp(value(a), value(b)) || dir * cmp(a.id, b.id));
  const start = (q.from.page - 1) * q.limit;
  return { ids: matching.slice(start, start + q.limit).map((u) => u.id), total: matching.length };
};

describe('InMemoryUserRepository :: lists of 10,000 users', function () {
  this.timeout(60_000);
  const repository = new InMemoryUserRepository();
  let users: User[];
  let visible: number;

  before(async () => {
    users = await seedManyUsers(repository, 10_000);
    visible = users.filter((u) => !u.isDeleted).length;
  });

  /** Users the repository looked at to answer `query`. */
  const cost = async (query: UserListQuery) => {
    const before = repository.examined;
    const page = await repository.list(query);
    return { page, examined: repository.examined - before };
  };

  it('walks every user once, in order, by cursor, and no page looks at more users than the first', async () => {
    const first = await cost(listQuery({ limit: 100, withTotal: false, sortOrder: 'desc' }));
    expect(first.examined).to.equal(101);
    const seen = [...first.page.items];
    let after: UserListPosition | null = first.page.next;
    let pages = 1;
    let most = 0;
    while (after) {
      const { page, examined } = await cost(listQuery({ limit: 100, withTotal: false, sortOrder: 'desc', after }));
      most = Math.max(most, examined);
      seen.push(...page.items);
      after = page.next;
      pages += 1;
    }
    expect(pages).to.equal(Math.ceil(visible / 100));
    expect(most).to.be.at.most(first.examined);
    const byOffset = (await repository.list(listQuery({ limit: 100, sortOrder: 'desc', page: pages }))).items;
    expect(seen.slice(-byOffset.length).map((u) => u.id)).to.deep.equal(byOffset.map((u) => u.id));
    expect(new Set(seen.map((u) => u.id)).size).to.equal(visible);
    expect(seen.map((u) => u.id)).to.deep.equal(reference(users, listQuery({ limit: visible, sortOrder: 'desc' }) as never).ids);
  });

  it('pays for the skipped users on a late page by number, and not at all on the same page by cursor', async () => {
    const late = Math.floor(visible / 20) - 5;
    const byNumber = await cost(listQuery({ limit: 20, page: late, withTotal: false }));
    expect(byNumber.examined).to.be.greaterThan((late - 1) * 20);
    const before = await repository.list(listQuery({ limit: 20, page: late - 1, withTotal: false }));
    const byCursor = await cost(listQuery({ limit: 20, after: before.next!, withTotal: false }));
    expect(byCursor.page.items.map((u) => u.id)).to.deep.equal(byNumber.page.items.map((u) => u.id));
    expect(byCursor.examined).to.equal(21);
  });

  it('counts without looking at anyone when nothing is filtered, and skips the count when no total is asked', async () => {
    expect((await cost(listQuery({ limit: 20 }))).examined).to.equal(20);
    expect((await cost(listQuery({ limit: 20, status: 'suspended' }))).examined).to.be.at.least(visible);
    expect((await cost(listQuery({ limit: 20, status: 'suspended', withTotal: false }))).examined).to.be.below(visible / 2);
  });

  it('answers every page by number exactly as the plain filter, sort and slice did', async () => {
    const last = Math.ceil(visible / 50);
    const cases: UserListQuery[] = [
      listQuery({ limit: 50, sortOrder: 'desc' }),
      listQuery({ limit: 50, sortOrder: 'desc', page: last }),
      listQuery({ limit: 50, sortBy: 'name', page: 7 }),
      listQuery({ limit: 50, sortBy: 'age', sortOrder: 'desc', page: 3 }),
      listQuery({ limit: 50, sortBy: 'age', page: 2 }),
      listQuery({ limit: 50, sortBy: 'email', status: 'suspended', page: 4 }),
      listQuery({ limit: 20, sortBy: 'name', sortOrder: 'desc', search: 'PERSON 01', page: 2 }),
      listQuery({ limit: 20, search: 'p0099', page: 1 }),
    ];
    for (const q of cases) {
      const page = await repository.list(q);
      const expected = reference(users, q as UserListQuery & { from: { page: number } });
      expect({ ids: page.items.map((u) => u.id), total: page.total }, JSON.stringify(q)).to.deep.equal(expected);
    }
  });
});
