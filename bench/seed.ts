// Seeding the list routes' collection fast: users built by the domain and written straight to
// the repository (embedded) or with the driver (production), all sharing one argon2 hash,
// instead of thousands of registrations that would each spend an argon2 hash.
import * as E from 'fp-ts/Either';
import { MongoClient } from 'mongodb';
import { ObjectIdGenerator } from '../src/adapters/system/object-id-generator';
import { toUserDocument, USERS_COLLECTION } from '../src/adapters/mongo/user.document';
import type { UserRepository } from '../src/application/ports/user-repository.port';
import { trustedId } from '../src/domain/shared/id';
import { newUser, parseUserId, type User } from '../src/domain/users/user';

/** `count` valid users, created one second apart (so the default createdAt sort has work to do). */
export function* benchUsers(count: number, roleId: string, tag = 'seed'): Generator<User> {
  const ids = new ObjectIdGenerator();
  const start = Date.now() - count * 1000;
  for (let i = 0; i < count; i++) {
    const built = newUser(trustedId(parseUserId, ids.next()), { name: `Seeded User ${i}`, email: `${tag}-${i}@example.com`, age: 18 + (i % 60) }, new Date(start + i * 1000), [roleId]);
    if (E.isLeft(built)) throw new Error(`bench user ${i} is invalid: ${JSON.stringify(built.left)}`);
    yield built.right;
  }
}

/** Through the repository, so the embedded store holds exactly what a registration would leave. */
export const seedRepository = async (users: UserRepository, count: number, roleId: string, hash: string): Promise<void> => {
  for (const user of benchUsers(count, roleId)) await users.insert(user, hash);
};

/** With the driver, in batches, as the repository would store them (its own document mapping). */
export const seedDatabase = async (url: string, dbName: string, count: number, hash: string): Promise<void> => {
  const client = await MongoClient.connect(url);
  try {
    const db = client.db(dbName);
    const role = await db.collection<{ name: string }>('roles').findOne({ name: 'user' });
    if (!role) throw new Error('the user role is not seeded yet: start Nexus on this database first');
    const batch: ReturnType<typeof toUserDocument>[] = [];
    const flush = async () => {
      if (batch.length > 0) await db.collection(USERS_COLLECTION).insertMany(batch.splice(0), { ordered: false });
    };
    for (const user of benchUsers(count, String(role._id))) {
      batch.push({ ...toUserDocument(user), passwordHash: hash, passwordHistory: [{ hash, changedAt: user.createdAt }] });
      if (batch.length === 1000) await flush();
    }
    await flush();
  } finally {
    await client.close();
  }
};
