import type { Email } from '../../domain/users/email';
import type { User, UserId } from '../../domain/users/user';

export type InsertUserResult = 'inserted' | 'email-taken';
export type UpdateUserResult = 'updated' | 'not-found' | 'email-taken' | 'version-conflict';

/**
 * Where users live. Reads never return deleted users unless asked, and never return secrets.
 * Email lookups compare normalised addresses, so `A@x.io` and `a@x.io` are one user.
 */
export interface UserRepository {
  findById(id: UserId): Promise<User | null>;
  findByEmail(email: Email): Promise<User | null>;
  insert(user: User): Promise<InsertUserResult>;
  /** Writes `user` if the stored version is `user.version - 1` (optimistic concurrency). */
  update(user: User): Promise<UpdateUserResult>;
}
