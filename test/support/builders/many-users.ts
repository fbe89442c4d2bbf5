import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import type { User } from '../../../src/domain/users/user';
import { aUser } from './user.builder';

/**
 * `n` users written through `repository`, `concurrency` at a time, shaped to exercise a list:
 * creation times that tie (five a second), names that tie ignoring case, missing ages, a tenth
 * suspended and one in fifty deleted.
 */
export const seedManyUsers = async (repository: UserRepository, n: number, concurrency = 16): Promise<User[]> => {
  const start = Date.UTC(2026, 0, 1);
  const users = Array.from({ length: n }, (_, i): User => {
    const user = aUser(
      {
        name: `${i % 2 ? 'person' : 'Person'} ${String(i % 997).padStart(3, '0')}`,
        email: `p${String(i).padStart(6, '0')}.${start.toString(36)}@example.com`,
        age: i % 9 === 0 ? null : 18 + (i % 60),
      },
      new Date(start + Math.floor(i / 5) * 1000),
    );
    // Written as they are, in one insert each: an update by id and version is a full scan on
    // FerretDB v1 (it pushes only a lone `_id` down to SQLite).
    if (i % 10 === 3) return { ...user, status: 'suspended' };
    if (i % 50 === 7) return { ...user, isDeleted: true, deletedAt: new Date(start) };
    return user;
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const user = users[next++]!;
      if ((await repository.insert(user)) !== 'inserted') throw new Error(`seed: ${user.email} was not inserted`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return users;
};
