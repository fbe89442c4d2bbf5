import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../../domain/auth/actor';
import { formatRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_BYTES, RECOVERY_CODE_COUNT } from '../../../domain/auth/mfa';
import { parseUserId, type User } from '../../../domain/users/user';
import { type UserError, userNotFound } from '../../../domain/users/user.errors';
import type { Clock } from '../../ports/clock.port';
import type { MfaStore } from '../../ports/mfa-store.port';
import type { SecretBox } from '../../ports/secret-box.port';
import type { SecretTokens } from '../../ports/secret-tokens.port';
import type { Totp } from '../../ports/totp.port';
import { TYPES } from '../../symbols';
import { CachedUserLookup } from '../../users/cached-user-lookup';

/** Why a TOTP code was refused (for the audit trail; clients get one message per field). */
export type CodeRefusal = 'wrong-code' | 'replayed-code' | 'unreadable-secret';

/**
 * The TOTP factor's mechanics, shared by enrolment, disabling and login: sealing secrets for
 * storage, checking a code and recording its step (so it is never accepted twice), and making
 * recovery codes and their digests.
 */
@injectable()
export class TotpFactor {
  constructor(
    @inject(TYPES.Totp) readonly totp: Totp,
    @inject(TYPES.SecretBox) private readonly box: SecretBox,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(CachedUserLookup) private readonly users: CachedUserLookup,
  ) {}

  /** The caller's own account (as authentication loaded it when it did). */
  async userOf(actor: Actor): Promise<E.Either<UserError, User>> {
    const id = parseUserId(actor.userId);
    if (E.isLeft(id)) return E.left(userNotFound(actor.userId));
    return actor.user?.id === id.right ? E.right(actor.user) : this.users.find(id.right);
  }

  /** The secret as stored: sealed, and bound to its user (it opens for nobody else). */
  seal(userId: string, secret: string): string {
    return this.box.seal(secret, context(userId));
  }

  /**
   * Checks `code` against TOTP `factor` of `userId` and, when it is right, claims its time step:
   * the step (or a later one) that was accepted once is refused from then on, on every instance.
   */
  async check(userId: string, factor: { readonly id: string; readonly sealedSecret: string }, code: string): Promise<E.Either<CodeRefusal, number>> {
    const secret = this.box.open(factor.sealedSecret, context(userId));
    // Sealed under another key (JWT_SECRET changed, or a random per-process key restarted).
    if (secret === null) return E.left('unreadable-secret');
    const now = this.clock.now();
    const step = this.totp.stepOf(secret, code, now);
    if (step === null) return E.left('wrong-code');
    return (await this.store.claimStep(userId, factor.id, step, now)) ? E.right(step) : E.left('replayed-code');
  }

  /** Ten fresh recovery codes (80 random bits each) to show once, and the digests to store. */
  recoveryCodes(): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(Buffer.from(this.secrets.generate(RECOVERY_CODE_BYTES), 'base64url')));
    return { codes, hashes: codes.map((c) => this.recoveryCodeDigest(c)!) };
  }

  /** The stored digest of a typed recovery code (any spelling of it), or null when it cannot be one. */
  recoveryCodeDigest(typed: string): string | null {
    const plain = normaliseRecoveryCode(typed);
    return E.isRight(plain) ? this.secrets.digest(`nexus-recovery-code:${plain.right}`) : null;
  }
}

const context = (userId: string): string => `totp-secret:${userId}`;
