import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ClientInfo, UNKNOWN_CLIENT } from '../../domain/auth/session';
import { type AuthError, invalidCredentials } from '../../domain/auth/auth.errors';
import { parseEmail } from '../../domain/users/email';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import type { PasswordHasher } from '../ports/password-hasher.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { SessionIssuer, type TokenPair } from './sessions';

/**
 * Checks a password and starts a session. An unknown e-mail, a wrong password and an account
 * that cannot log in (deleted, suspended) give the same answer, after the same amount of work:
 * an argon2 verify runs in every case.
 */
@injectable()
export class Login {
  private dummyHash: Promise<string> | undefined;

  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(SessionIssuer) private readonly sessions: SessionIssuer,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(email: string, password: string, client: ClientInfo = UNKNOWN_CLIENT): Promise<E.Either<AuthError, TokenPair & { user: User }>> {
    const parsed = parseEmail(email);
    const credentials = E.isRight(parsed) ? await this.users.findCredentials(parsed.right) : null;
    const usable = credentials !== null && !credentials.user.isDeleted && credentials.user.status === 'active';

    // Verify against a real hash even when there is no account, so timing does not tell.
    const hash = usable ? credentials.passwordHash : await this.dummy();
    const matches = await this.hasher.verify(hash, password);

    if (!usable || !matches) {
      await this.audit.record({
        actorId: null,
        action: 'auth.login.failed',
        target: { type: 'user', id: credentials?.user.id ?? null },
        after: { reason: credentials === null ? 'unknown-email' : !usable ? 'account-disabled' : 'wrong-password' },
      });
      return E.left(invalidCredentials);
    }
    const { familyId: _familyId, ...pair } = await this.sessions.issue(credentials.user, { client });
    await this.audit.record({ actorId: credentials.user.id, action: 'auth.login.succeeded', target: { type: 'user', id: credentials.user.id } });
    return E.right({ ...pair, user: credentials.user });
  }

  private dummy(): Promise<string> {
    // A refusal (a full hasher) is not kept: the next login makes the dummy hash again.
    this.dummyHash ??= this.hasher.hash(`no-such-account-${Math.random()}`).catch((err: unknown) => {
      this.dummyHash = undefined;
      throw err;
    });
    return this.dummyHash;
  }
}
