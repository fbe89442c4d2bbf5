import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { LiveSessions } from '../auth/live-sessions';
import { refuseApiKey } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';
import { endedAmong } from './ended-sessions';

export interface EndedSessions {
  /** How many live sessions ended. */
  readonly ended: number;
}

/**
 * "Sign out everywhere else": ends every live session of the caller but the one it calls with
 * (with `includeCurrent`, that one too). Only with a token.
 */
@injectable()
export class EndOwnSessions {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(LiveSessions) private readonly live: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, options: { readonly includeCurrent: boolean }): Promise<E.Either<AuthError, EndedSessions>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const before = await this.store.listLive(actor.userId, this.clock.now());
    const revoked = await this.live.revokeAllOf(actor.userId, options.includeCurrent ? undefined : actor.sessionId);
    const sessionIds = endedAmong(before, revoked);
    await this.audit.record({
      actorId: actor.userId,
      action: 'auth.sessions.revoked',
      target: { type: 'user', id: actor.userId },
      after: { sessionIds, reason: 'ended-by-owner', includeCurrent: options.includeCurrent },
    });
    return E.right({ ended: sessionIds.length });
  }
}
