import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../../domain/auth/actor';
import type { AuthError } from '../../../domain/auth/auth.errors';
import type { UserId } from '../../../domain/users/user';
import type { UserError } from '../../../domain/users/user.errors';
import { AuditRecorder } from '../../audit/audit-recorder';
import type { MfaStore } from '../../ports/mfa-store.port';
import { TYPES } from '../../symbols';
import { ManageableUser } from '../../users/manageable-user';

export interface MfaReset {
  readonly userId: UserId;
  /** Was TOTP on before the reset? */
  readonly wasEnabled: boolean;
}

/**
 * Turns someone else's TOTP off (recovery codes and a pending enrolment with it), with
 * `users:update`, for a person signed in: the way back for an owner who lost the authenticator
 * and the recovery codes, or whose account had TOTP turned on by someone holding a stolen access
 * token. The same limits as an unlock: API keys are refused whatever their scope, and nobody
 * resets a user who holds permissions they do not. Audited as `auth.mfa.disabled` by the admin.
 */
@injectable()
export class ResetUserMfa {
  constructor(
    @inject(ManageableUser) private readonly manageable: ManageableUser,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(actor: Actor, id: UserId): Promise<E.Either<AuthError | UserError, MfaReset>> {
    const found = await this.manageable.find(actor, id, ['users', 'update']);
    if (E.isLeft(found)) return found;
    const user = found.right;
    // A pending enrolment goes too (a thief's half-done one); `disable` answers whether TOTP was on.
    const wasEnabled = await this.store.disable(user.id);
    if (wasEnabled) await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.disabled', target: { type: 'user', id: user.id }, after: { factor: 'totp', method: 'admin-reset' } });
    return E.right({ userId: user.id, wasEnabled });
  }
}
