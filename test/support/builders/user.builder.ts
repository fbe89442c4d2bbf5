import * as E from 'fp-ts/Either';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import { newUser, type User, type UserId, type UserInput } from '../../../src/domain/users/user';

const ids = new ObjectIdGenerator();
let n = 0;

/** A valid user with a unique e-mail; override any input field. */
export const aUser = (overrides: Partial<UserInput> = {}, now = new Date('2026-01-01T00:00:00Z')): User => {
  n += 1;
  const built = newUser(ids.next() as UserId, { name: `User ${n}`, email: `user${n}.${Date.now()}@example.com`, age: 30, ...overrides }, now);
  if (E.isLeft(built)) throw new Error(`bad test user: ${JSON.stringify(built.left)}`);
  return built.right;
};

export const newId = (): string => ids.next();
