import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { type ListedSession, listed } from '../../domain/auth/session';
import { refuseApiKey } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';

/** The caller's live sessions, the one they call with marked `current`; only with a token. */
@injectable()
export class ListOwnSessions {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor): Promise<E.Either<AuthError, ListedSession[]>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    return E.right(listed(await this.store.listLive(actor.userId, this.clock.now()), actor.sessionId));
  }
}
