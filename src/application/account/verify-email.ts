import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { accountTokenRefused, type AuthError } from '../../domain/auth/auth.errors';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { AccountLinks } from './account-links';

/**
 * Marks an address verified from the link mailed to it: once per link, and only while the
 * account still has that address (a link mailed to an old address proves nothing about the new
 * one). The user's other unused verification links are withdrawn.
 */
@injectable()
export class VerifyEmail {
  constructor(
    @inject(AccountLinks) private readonly links: AccountLinks,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(token: string): Promise<E.Either<AuthError, User>> {
    const holder = await this.links.holder('email-verification', token);
    if (E.isLeft(holder)) return holder;
    const { user } = holder.right;
    const used = await this.links.use(holder.right.token);
    if (E.isLeft(used)) return used;
    // Written only while the address is still the one the link was mailed to (an address
    // change racing this request wins, and the link proves nothing about the new address).
    const verified = await this.users.markEmailVerified(user.id, user.email, this.clock.now());
    await this.accessCache.forgetUser(user.id);
    if (!verified) return E.left(accountTokenRefused('email-verification', 'email-changed'));
    await this.links.withdraw(user.id, ['email-verification']);
    await this.audit.record({ actorId: user.id, action: 'auth.email.verified', target: { type: 'user', id: user.id }, after: { email: verified.email } });
    return E.right(verified);
  }
}
