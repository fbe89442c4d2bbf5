import { injectable } from 'inversify';
import type { InsertUserResult, UpdateUserResult, UserRepository } from '../../application/ports/user-repository.port';
import type { Email } from '../../domain/users/email';
import type { User, UserId } from '../../domain/users/user';

/** Users in a Map: the embedded profile's store and the unit tests' fake, held to the same contract. */
@injectable()
export class InMemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();
  private readonly idByEmail = new Map<string, string>();

  async findById(id: UserId): Promise<User | null> {
    const user = this.byId.get(id);
    return user ? structuredClone(user) : null;
  }

  async findByEmail(email: Email): Promise<User | null> {
    const id = this.idByEmail.get(email.toLowerCase());
    return id === undefined ? null : this.findById(id as UserId);
  }

  async insert(user: User): Promise<InsertUserResult> {
    if (this.idByEmail.has(user.email)) return 'email-taken';
    this.byId.set(user.id, structuredClone(user));
    this.idByEmail.set(user.email, user.id);
    return 'inserted';
  }

  async update(user: User): Promise<UpdateUserResult> {
    const stored = this.byId.get(user.id);
    if (!stored) return 'not-found';
    if (stored.version !== user.version - 1) return 'version-conflict';
    const holder = this.idByEmail.get(user.email);
    if (holder !== undefined && holder !== user.id) return 'email-taken';
    this.idByEmail.delete(stored.email);
    this.idByEmail.set(user.email, user.id);
    this.byId.set(user.id, structuredClone(user));
    return 'updated';
  }
}
