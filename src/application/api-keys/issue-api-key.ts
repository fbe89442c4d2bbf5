import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { API_KEY_PREFIX, type ApiKey } from '../../domain/api-keys/api-key';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { dedupe, type Permission } from '../../domain/roles/permission';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { parseLabel } from '../../domain/shared/text';
import { AuditRecorder } from '../audit/audit-recorder';
import { refuseApiKey, refuseEscalation } from '../authorization';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import { TYPES } from '../symbols';

export interface ApiKeySettings {
  /** `API_KEY_MAX_DAYS`: no key lives longer; a key asked for without expiry gets this. */
  readonly maxLifetimeDays: number;
}

const DAY_MS = 86_400_000;
const MAX_KEY_NAME_LENGTH = 100;

export interface NewApiKey {
  readonly name: string;
  readonly permissions: readonly Permission[];
  readonly expiresAt?: Date | null;
}

/**
 * Makes an API key for the caller, scoped to permissions the caller holds. Only with a token: an
 * API key never makes keys, whatever its scope. Lifetime is capped at `API_KEY_MAX_DAYS`. The
 * key is returned once, here; only its digest is kept.
 */
@injectable()
export class IssueApiKey {
  constructor(
    @inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.ApiKeySettings) private readonly settings: ApiKeySettings,
  ) {}

  async execute(actor: Actor, input: NewApiKey): Promise<E.Either<ValidationFailed | AuthError, { key: string; apiKey: ApiKey }>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const now = this.clock.now();
    const parsedName = parseLabel(input.name, MAX_KEY_NAME_LENGTH);
    const name = E.isRight(parsedName) ? parsedName.right : '';
    const errors = [];
    const maxDays = this.settings.maxLifetimeDays;
    const latest = new Date(now.getTime() + maxDays * DAY_MS);
    if (E.isLeft(parsedName)) errors.push(fieldError('name', parsedName.left));
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) errors.push(fieldError('expiresAt', 'must be in the future'));
    else if (input.expiresAt && input.expiresAt.getTime() > latest.getTime()) errors.push(fieldError('expiresAt', `must be at most ${maxDays} days from now`));
    if (errors.length > 0) return E.left(validationFailed(errors));
    const permissions = dedupe(input.permissions);
    const grantable = refuseEscalation(actor, permissions);
    if (E.isLeft(grantable)) return grantable;

    const key = `${API_KEY_PREFIX}${this.secrets.generate(32)}`;
    const apiKey: ApiKey = {
      id: this.ids.next(),
      ownerId: actor.userId,
      name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: this.secrets.digest(key),
      permissions,
      createdAt: now,
      expiresAt: input.expiresAt ?? latest,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.keys.insert(apiKey);
    await this.audit.record({ actorId: actor.userId, action: 'apikey.created', target: { type: 'api-key', id: apiKey.id }, after: { name, prefix: apiKey.prefix } });
    return E.right({ key, apiKey });
  }
}
