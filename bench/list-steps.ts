/* eslint-disable */
// Where the embedded list page's own time goes, step by step, in process (one build, dist/):
// the repository's page 1 of 10,000 users, the query's decoding, the next cursor, the list ETag,
// the 20 users presented, the body serialised. Rounds of each step in turn; medians of 7.
//   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/list-steps.js [iterations]
import 'reflect-metadata';
import { join } from 'node:path';
import { JWT_SECRET, ROOT } from './fixtures';
const main = async () => {
  const dist = process.env['CMP_AFTER'] ?? join(ROOT, 'dist');
  const r = (p: string) => require(join(dist, p));
  const { InMemoryUserRepository } = r('adapters/memory/in-memory-user-repository');
  const { newUser, parseUserId } = r('domain/users/user');
  const { trustedId } = r('domain/shared/id');
  const { ObjectIdGenerator } = r('adapters/system/object-id-generator');
  const repo = new InMemoryUserRepository(); const ids = new ObjectIdGenerator(); const start = Date.now() - 1e7;
  for (let i = 0; i < 10000; i++) await repo.insert(newUser(trustedId(parseUserId, ids.next()), { name: `Seeded User ${i}`, email: `seed-${i}@example.com`, age: 18 + (i % 60) }, new Date(start + i * 1000), ['6b0ee2ec8633648bc4251bf5']).right, 'h');
  const { presentUser } = r('adapters/http/users/users.presenter');
  const { listETag } = r('adapters/http/users/user-etags');
  const { ListCursors, listPage } = r('adapters/http/pagination.codecs');
  const { userListCursor, ListUsersQuery } = r('adapters/http/users/users.codecs');
  const { decodeOrThrow } = r('adapters/http/decode');
  const { listMeta } = r('domain/shared/pagination');
  const cursors = new ListCursors(JWT_SECRET);
  const q = { limit: 20, sortBy: 'createdAt', sortOrder: 'desc', from: { page: 1 }, withTotal: true };
  const page = await repo.list(q);
  const meta = listMeta({ page: 1, limit: 20, total: page.total, nextCursor: userListCursor(cursors, 'createdAt', 'desc', page.next) });
  const body = { success: true, statusCode: 200, message: 'Users', data: listPage(page.items.map(presentUser), meta) };
  const query = { page: '1', limit: '20' };
  const steps: Record<string, () => unknown> = {
    'repository list (page 1, total)': () => repo.list(q),
    'decode query (ListUsersQuery)': () => decodeOrThrow(ListUsersQuery, query),
    'cursor seal': () => userListCursor(cursors, 'createdAt', 'desc', page.next),
    'listETag': () => listETag(page.items, meta),
    'presentUser x20': () => page.items.map(presentUser),
    'JSON.stringify body': () => JSON.stringify(body),
  };
  const N = Number(process.argv[2] ?? 20000);
  const res: Record<string, number[]> = {};
  for (let round = 0; round < 7; round++) for (const [k, f] of Object.entries(steps)) { const t = performance.now(); for (let i = 0; i < N; i++) await f(); (res[k] ??= []).push((performance.now() - t) * 1000 / N); }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[3]!;
  console.table(Object.entries(res).map(([k, v]) => ({ step: k, 'us (median of 7)': med(v).toFixed(2) })));
  console.log('body bytes', JSON.stringify(body).length);
};
void main();
