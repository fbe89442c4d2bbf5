import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../../domain/auth/actor';
import type { AuthError } from '../../../domain/auth/auth.errors';
import { type MfaError, mfaAlreadyEnabled, mfaEnrolmentNotPending } from '../../../domain/auth/mfa.errors';
import { fieldError, type ValidationFailed, validationFailed } from '../../../domain/shared/field-error';
import type { UserError } from '../../../domain/users/user.errors';
import { AuditRecorder } from '../../audit/audit-recorder';
import { refuseApiKey } from '../../authorization';
import type { Clock } from '../../ports/clock.port';
import type { MfaStore } from '../../ports/mfa-store.port';
import { TYPES } from '../../symbols';
import { type CodeRefusal, TotpFactor } from './totp-factor';

/**
 * Confirms the pending enrolment with a code from the authenticator: TOTP is on from now, and
 * ten recovery codes are returned, this once (only their digests are kept). The confirming
 * code's step counts as used, so the same code cannot then complete a login.
 */
@injectable()
export class ConfirmTotpEnrolment {
  constructor(
    @inject(TotpFactor) private readonly factor: TotpFactor,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(actor: Actor, code: string): Promise<E.Either<AuthError | UserError | MfaError | ValidationFailed, { recoveryCodes: string[] }>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const user = await this.factor.userOf(actor);
    if (E.isLeft(user)) return user;
    const userId = user.right.id;
    const state = await this.store.find(userId);
    if (state?.active) return E.left(mfaAlreadyEnabled);
    if (!state?.pending) return E.left(mfaEnrolmentNotPending);

    const checked = await this.factor.check(userId, state.pending, code);
    if (E.isLeft(checked)) {
      await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.failed', target: { type: 'user', id: userId }, after: { stage: 'confirm', reason: checked.left } });
      return checked.left === 'unreadable-secret' ? E.left(mfaEnrolmentNotPending) : E.left(validationFailed([codeProblem(checked.left)]));
    }
    const { codes, hashes } = this.factor.recoveryCodes();
    const enabled = await this.store.activate(userId, state.pending.id, { enabledAt: this.clock.now(), recoveryCodeHashes: hashes, lastUsedStep: checked.right });
    // Another enrolment replaced this one, or a concurrent confirmation won.
    if (!enabled) return E.left(mfaEnrolmentNotPending);
    await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.enabled', target: { type: 'user', id: userId }, after: { factor: 'totp', recoveryCodes: hashes.length } });
    return E.right({ recoveryCodes: codes });
  }
}

export const codeProblem = (refusal: Exclude<CodeRefusal, 'unreadable-secret'>) =>
  fieldError('code', refusal === 'replayed-code' ? 'was already used; wait for the next code of your authenticator app' : 'is not the current code of your authenticator app');
