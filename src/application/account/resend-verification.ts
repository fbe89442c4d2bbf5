import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import { accountMailThrottled, type AuthError, emailAlreadyVerified } from '../../domain/auth/auth.errors';
import { parseUserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { refuseApiKey } from '../authorization';
import type { RateLimiter } from '../ports/rate-limiter.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { EmailVerification } from './email-verification';

/**
 * Sends the signed-in user a new verification link: a person signed in (never an API key), at
 * most once a minute per user across every instance (429 with the wait after that); an address
 * that is verified already is a 409. Earlier links keep working until they expire.
 */
@injectable()
export class ResendVerification {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(EmailVerification) private readonly verification: EmailVerification,
    @inject(TYPES.AccountMailLimiter) private readonly limiter: RateLimiter,
  ) {}

  async execute(actor: Actor): Promise<E.Either<AuthError | UserError, { readonly sentTo: string }>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const userId = parseUserId(actor.userId);
    const user = E.isRight(userId) ? await this.users.findById(userId.right) : null;
    if (!user || user.isDeleted) return E.left(userNotFound(actor.userId));
    if (user.emailVerified) return E.left(emailAlreadyVerified);
    const allowed = await this.limiter.consume(`email-verification:${user.id}`);
    if (!allowed.allowed) return E.left(accountMailThrottled(Math.max(1, Math.ceil(allowed.resetMs / 1000))));
    await this.verification.send(user, actor.userId, 'resend');
    return E.right({ sentTo: user.email });
  }
}
