import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { ApiKey } from '../../domain/api-keys/api-key';
import type { Actor } from '../../domain/auth/actor';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import { TYPES } from '../symbols';

/** The caller's own API keys (never their key material); anyone signed in may see their own. */
@injectable()
export class ListApiKeys {
  constructor(@inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository) {}

  async execute(actor: Actor): Promise<E.Either<never, ApiKey[]>> {
    return E.right(await this.keys.listByOwner(actor.userId));
  }
}
