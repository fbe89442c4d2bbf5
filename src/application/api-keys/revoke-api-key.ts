import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { ApiKeyError } from '../../domain/api-keys/api-key';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { refuseApiKey } from '../authorization';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import type { Clock } from '../ports/clock.port';
import { TYPES } from '../symbols';

/** Revokes one of the caller's own API keys; only with a token, never with an API key. */
@injectable()
export class RevokeApiKey {
  constructor(
    @inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, id: string): Promise<E.Either<ApiKeyError | AuthError, void>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const key = await this.keys.findById(id);
    // Someone else's key is reported exactly like a missing one: ids are not a way to probe.
    if (!key || key.ownerId !== actor.userId || key.revokedAt) return E.left({ _tag: 'ApiKeyNotFound', keyId: id });
    await this.keys.revoke(id, this.clock.now());
    await this.audit.record({ actorId: actor.userId, action: 'apikey.revoked', target: { type: 'api-key', id } });
    return E.right(undefined);
  }
}
