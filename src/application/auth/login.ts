import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ClientInfo, UNKNOWN_CLIENT } from '../../domain/auth/session';
import { type AuthError, emailNotVerified, invalidCredentials } from '../../domain/auth/auth.errors';
import { parseEmail } from '../../domain/users/email';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import type { PasswordHasher } from '../ports/password-hasher.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { givingBackOnError, type LoginAttempts, type LoginTicket } from './login-attempts';
import { type MfaChallengeIssued, MfaLoginGate, type MfaLookAhead } from './mfa/mfa-login-gate';
import type { AccountSettings } from './account-settings';
import { SessionIssuer, type TokenPair } from './sessions';

/** A login either completes (a session) or, with TOTP on, owes its second step. */
export type LoginOutcome = (TokenPair & { user: User }) | MfaChallengeIssued;

/**
 * Checks a password and starts a session. An unknown e-mail, a wrong password, an account that
 * cannot log in (deleted, suspended) and a locked account give the same answer, after the same
 * amount of work: an argon2 verify runs in every case, and the lockout is asked in every case.
 *
 * Lockout (see `LoginAttempts`): a place is reserved before the password is checked, so logins
 * sent at once, on any number of instances, get at most the threshold's worth of checks; a
 * locked account's check still runs (timing) but its result is not used.
 */
@injectable()
export class Login {
  private dummyHash: Promise<string> | undefined;

  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(SessionIssuer) private readonly sessions: SessionIssuer,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(MfaLoginGate) private readonly mfa: MfaLoginGate,
    @inject(TYPES.AccountSettings) private readonly account: AccountSettings,
  ) {}

  async execute(email: string, password: string, client: ClientInfo = UNKNOWN_CLIENT): Promise<E.Either<AuthError, LoginOutcome>> {
    const parsed = parseEmail(email);
    const credentials = E.isRight(parsed) ? await this.users.findCredentials(parsed.right) : null;
    const usable = credentials !== null && !credentials.user.isDeleted && credentials.user.status === 'active';
    const ticket = await this.attempts.reserve(usable ? credentials.user : null);
    // Whether TOTP is on is read while the password is checked (it only matters if the password
    // is right): the read is off the login's path, hidden behind the argon2 verify.
    const mfaAhead = usable && ticket.open ? this.mfa.lookAhead(credentials.user) : undefined;

    // Verify against a real hash even when there is no account, so timing does not tell. A
    // check that could not run (a full hasher: Busy) gives its place back and fails the request.
    const matches = await givingBackOnError(this.attempts, usable ? credentials.user.id : null, ticket, async () =>
      this.hasher.verify(usable ? credentials.passwordHash : await this.dummy(), password),
    );

    if (!usable || !matches || !ticket.open) {
      const reason = credentials === null ? 'unknown-email' : !usable ? 'account-disabled' : !ticket.open ? (ticket.reason === 'locked' ? 'locked' : 'too-many-at-once') : 'wrong-password';
      // The audit row and the failure count are independent writes: sent together, one wait.
      await Promise.all([
        this.audit.record({ actorId: null, action: 'auth.login.failed', target: { type: 'user', id: credentials?.user.id ?? null }, after: { reason } }),
        usable && ticket.open ? this.attempts.failed(credentials.user, ticket) : undefined,
      ]);
      return E.left(invalidCredentials);
    }
    // REQUIRE_VERIFIED_EMAIL: the right password, but the address is unproven (403, not 401).
    if (this.account.requireVerifiedEmail && !credentials.user.emailVerified) {
      await this.attempts.release(credentials.user.id, ticket);
      await this.audit.record({ actorId: null, action: 'auth.login.failed', target: { type: 'user', id: credentials.user.id }, after: { reason: 'email-not-verified' } });
      return E.left(emailNotVerified);
    }
    return this.passwordAccepted(credentials.user, ticket, client, mfaAhead);
  }

  /** The password is right and the account open: a session, or with TOTP on the second step. */
  private async passwordAccepted(user: User, ticket: LoginTicket, client: ClientInfo, mfaAhead: MfaLookAhead | undefined): Promise<E.Either<AuthError, LoginOutcome>> {
    // With TOTP on, no session yet: an mfaToken for POST /api/auth/login/mfa. The place is given
    // back, but the failures are kept until the second step succeeds (it reports to LoginAttempts too).
    const mfaChallenge = await this.mfa.challenge(user, mfaAhead);
    if (mfaChallenge) {
      await this.attempts.release(user.id, ticket);
      return E.right(mfaChallenge);
    }
    // Clearing the failures and opening the session do not depend on each other: both are sent
    // at once (a login used to wait for each round trip in turn). The audit row follows the
    // session, so a login whose session could not be written is not recorded as succeeded.
    const [, { familyId: _familyId, ...pair }] = await Promise.all([
      this.attempts.succeeded(user.id, ticket),
      this.sessions.issue(user, { client }).then(async (issued) => {
        await this.audit.record({ actorId: user.id, action: 'auth.login.succeeded', target: { type: 'user', id: user.id } });
        return issued;
      }),
    ]);
    return E.right({ ...pair, user });
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
