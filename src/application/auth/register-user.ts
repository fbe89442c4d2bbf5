import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { USER_ROLE } from '../../domain/roles/role';
import { trustedId } from '../../domain/shared/id';
import { newUser, parseUserId, type User } from '../../domain/users/user';
import { emailAlreadyInUse, type UserError } from '../../domain/users/user.errors';
import { AccessCache } from '../cache/access-cache';
import { EmailVerification } from '../account/email-verification';
import { AccountMail } from '../jobs/account-mail';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { PasswordHasher } from '../ports/password-hasher.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { PasswordRules } from './passwords';

export interface NewAccount {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly age?: number | null;
}

export interface RegisterOptions {
  /** The address is known to be the owner's (the first admin, configured by the operator). */
  readonly emailVerified?: boolean;
}

/**
 * Creates an account with a password, gives it the given roles (the `user` role by default),
 * and sends its welcome e-mail through the outbox (so a queue that is down delays it, never
 * loses it), with the link that verifies the address. Used by self-registration, by admins
 * creating users, and by the start-up seeding of the first admin (whose address counts as verified).
 */
@injectable()
export class RegisterUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(PasswordRules) private readonly rules: PasswordRules,
    @inject(AccountMail) private readonly mail: AccountMail,
    @inject(EmailVerification) private readonly verification: EmailVerification,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(input: NewAccount, roleNames: readonly string[] = [USER_ROLE], options: RegisterOptions = {}): Promise<E.Either<ValidationFailed | UserError, User>> {
    const roles = await Promise.all(roleNames.map((n) => this.roles.findByName(n)));
    const roleIds = roles.flatMap((r) => (r ? [r.id] : []));
    if (roleIds.length !== roleNames.length) throw new Error(`roles missing: ${roleNames.join(', ')} (seed the access roles first)`);

    const built = newUser(trustedId(parseUserId, this.ids.next()), input, this.clock.now(), roleIds);
    const passwordErrors = this.rules.problems(input.password, input.name, input.email);
    if (E.isLeft(built) || passwordErrors.length > 0) {
      return E.left(validationFailed([...(E.isLeft(built) ? built.left : []), ...passwordErrors]));
    }
    const user: User = options.emailVerified === true ? { ...built.right, emailVerified: true, emailVerifiedAt: built.right.createdAt } : built.right;
    if (await this.users.findByEmail(user.email)) return E.left(emailAlreadyInUse(user.email));

    const hash = await this.hasher.hash(input.password);
    // The link's token, then the mail, are recorded before the user (the user store takes no
    // transaction): the relay sends the mail only once the user exists, and drops it if the user
    // never appears; a token whose user never appeared is refused and purged.
    const link = await this.verification.welcomeLink(user);
    const welcome = await this.mail.send('welcome', user, { link }, { forUserId: user.id });
    if ((await this.users.insert(user, hash)) === 'email-taken') {
      await this.mail.cancel(welcome);
      return E.left(emailAlreadyInUse(user.email));
    }
    await this.accessCache.forgetUser(user.id);
    await this.mail.dispatch(welcome);
    if (!user.emailVerified) await this.verification.sent(user, null, 'registration');
    return E.right(user);
  }
}
