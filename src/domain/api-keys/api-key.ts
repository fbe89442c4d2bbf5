import type { Permission } from '../roles/permission';

export interface ApiKey {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  /** The first characters of the key, for people to tell their keys apart (`sk_AbCd…`). */
  readonly prefix: string;
  /** SHA-256 of the key; the key itself is shown once at creation and never stored. */
  readonly keyHash: string;
  readonly permissions: readonly Permission[];
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export const API_KEY_PREFIX = 'sk_';

export const isUsable = (key: ApiKey, now: Date): boolean =>
  key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > now.getTime());

export type ApiKeyError = { readonly _tag: 'ApiKeyNotFound'; readonly keyId: string };
