import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { UserId } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { LiveSessions } from '../auth/live-sessions';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';
import type { EndedSessions } from './end-own-sessions';
import { endedAmong } from './ended-sessions';
import { ManageableUser } from '../users/manageable-user';

/**
 * An administrator's "sign out everywhere" for someone (`sessions:manage`, and not above them):
 * every session of the user ends, its access tokens at their next request on every instance.
 * On one's own account that includes the session it is called with.
 */
@injectable()
export class EndUserSessions {
  constructor(
    @inject(ManageableUser) private readonly manageable: ManageableUser,
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(LiveSessions) private readonly live: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, userId: UserId): Promise<E.Either<AuthError | UserError, EndedSessions>> {
    const user = await this.manageable.find(actor, userId, ['sessions', 'manage']);
    if (E.isLeft(user)) return user;
    const before = await this.store.listLive(userId, this.clock.now());
    const sessionIds = endedAmong(before, await this.live.revokeAllOf(userId));
    await this.audit.record({ actorId: actor.userId, action: 'auth.sessions.revoked', target: { type: 'user', id: userId }, after: { sessionIds, reason: 'ended-by-administrator' } });
    return E.right({ ended: sessionIds.length });
  }
}
