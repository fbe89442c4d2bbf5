import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { type SessionError, sessionNotFound } from '../../domain/auth/session';
import { AuditRecorder } from '../audit/audit-recorder';
import { LiveSessions } from '../auth/live-sessions';
import { refuseApiKey } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';

export interface EndedSession {
  readonly id: string;
  /** The caller ended the session it called with: its own token stops now too. */
  readonly current: boolean;
}

/**
 * Ends one of the caller's live sessions: its refresh token stops at once, its access tokens at
 * their next request on every instance. Someone else's session, an ended one and an unknown id
 * get one answer (not found), so session ids are no way to probe. Only with a token.
 */
@injectable()
export class EndOwnSession {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(LiveSessions) private readonly live: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, sessionId: string): Promise<E.Either<AuthError | SessionError, EndedSession>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const own = await this.store.listLive(actor.userId, this.clock.now());
    if (!own.some((s) => s.id === sessionId)) return E.left(sessionNotFound(sessionId));
    await this.live.revoke(sessionId);
    const current = sessionId === actor.sessionId;
    await this.audit.record({ actorId: actor.userId, action: 'auth.session.revoked', target: { type: 'user', id: actor.userId }, after: { sessionId, reason: 'ended-by-owner', current } });
    return E.right({ id: sessionId, current });
  }
}
