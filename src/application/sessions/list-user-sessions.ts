import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { type ListedSession, listed } from '../../domain/auth/session';
import type { UserId } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';
import { ManageableUser } from '../users/manageable-user';

/** An administrator's view of someone's live sessions (`sessions:manage`, and not above them). */
@injectable()
export class ListUserSessions {
  constructor(
    @inject(ManageableUser) private readonly manageable: ManageableUser,
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, userId: UserId): Promise<E.Either<AuthError | UserError, ListedSession[]>> {
    const user = await this.manageable.find(actor, userId, ['sessions', 'manage']);
    if (E.isLeft(user)) return user;
    return E.right(listed(await this.store.listLive(user.right.id, this.clock.now()), actor.sessionId));
  }
}
