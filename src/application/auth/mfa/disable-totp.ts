import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../../domain/auth/actor';
import type { AuthError } from '../../../domain/auth/auth.errors';
import { type MfaError, mfaNotEnabled } from '../../../domain/auth/mfa.errors';
import { fieldError, type ValidationFailed, validationFailed } from '../../../domain/shared/field-error';
import type { User } from '../../../domain/users/user';
import type { UserError } from '../../../domain/users/user.errors';
import { AuditRecorder } from '../../audit/audit-recorder';
import { refuseApiKey } from '../../authorization';
import type { MfaStore } from '../../ports/mfa-store.port';
import type { PasswordHasher } from '../../ports/password-hasher.port';
import type { UserRepository } from '../../ports/user-repository.port';
import { TYPES } from '../../symbols';
import { codeProblem } from './confirm-totp-enrolment';
import { type LoginAttempts, passwordCheckUnderLockout } from '../login-attempts';
import { TotpFactor } from './totp-factor';

/** What proves it is the owner turning TOTP off: a current code, or the password. */
export type DisableProof = { readonly code: string } | { readonly password: string };

/** Turns the caller's TOTP off (its recovery codes go with it), proven by a fresh code or the password. */
@injectable()
export class DisableTotp {
  constructor(
    @inject(TotpFactor) private readonly factor: TotpFactor,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
  ) {}

  async execute(actor: Actor, proof: DisableProof): Promise<E.Either<AuthError | UserError | MfaError | ValidationFailed, void>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const user = await this.factor.userOf(actor);
    if (E.isLeft(user)) return user;
    const userId = user.right.id;
    const active = (await this.store.find(userId))?.active;
    if (!active) return E.left(mfaNotEnabled);

    const method = 'code' in proof ? 'code' : 'password';
    // Both proofs are checked under the login's lockout: a stolen access token is no way to guess
    // the password or the code unlimited, nor to try a guess on a locked account.
    const refusal = 'code' in proof ? await this.wrongCode(user.right, active, proof.code) : await this.wrongPassword(user.right, proof.password);
    if (refusal) {
      await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.failed', target: { type: 'user', id: userId }, after: { stage: 'disable', reason: refusal.reason } });
      return E.left(validationFailed([refusal.problem]));
    }
    if (!(await this.store.disable(userId))) return E.left(mfaNotEnabled);
    await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.disabled', target: { type: 'user', id: userId }, after: { factor: 'totp', method } });
    return E.right(undefined);
  }

  private async wrongCode(user: User, active: { id: string; sealedSecret: string }, code: string) {
    if (await this.attempts.isLocked(user.id)) return { reason: 'account-locked', problem: codeProblem('wrong-code') };
    const checked = await this.factor.check(user.id, active, code);
    if (E.isRight(checked)) return null;
    if (checked.left !== 'unreadable-secret') await this.attempts.failed(user);
    // A secret that no longer opens cannot produce a code: the password is the way out.
    if (checked.left === 'unreadable-secret') return { reason: checked.left, problem: fieldError('code', 'cannot be checked (the stored secret is unreadable); use your password instead') };
    return { reason: checked.left, problem: codeProblem(checked.left) };
  }

  private async wrongPassword(user: User, password: string) {
    const current = (await this.users.passwordHistory(user.id))[0];
    if (current && (await passwordCheckUnderLockout(this.attempts, user, () => this.hasher.verify(current.hash, password)))) return null;
    return { reason: 'wrong-password', problem: fieldError('password', 'is not correct') };
  }
}
