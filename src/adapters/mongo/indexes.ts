import { type Collection, type Document, type IndexDescription, MongoServerError } from 'mongodb';
import { ensureIndexes } from './mongo-database';

/**
 * Every index Nexus creates, collection by collection, in one place. The adapters create them at
 * start-up from here (`ensureDeclaredIndexes`), and the index-coverage test
 * (test/integration/mongo/index-coverage.test.ts) checks every filter the adapters send against
 * them, so a query without its index, or an index no query uses, shows in CI.
 *
 * Each collection also has its `_id` index, which MongoDB makes by itself (not listed).
 */

export type IndexKey = Readonly<Record<string, 1 | -1 | 'hashed'>>;
export type IndexDeclaration = IndexDescription & { readonly name: string; readonly key: IndexKey };

export interface CollectionIndexes {
  readonly indexes: readonly IndexDeclaration[];
  /** Indexes earlier versions created that these replace: dropped at start-up if present (each costs every write). */
  readonly retired?: readonly string[];
  /**
   * Documents that expire by a date field: a TTL index (`ttlName`, `expireAfterSeconds: 0`) where
   * the server has them (MongoDB), else a plain index (`plainName`) that the adapter's explicit
   * delete uses (FerretDB v1 refuses `expireAfterSeconds`). Either way an index on `field`.
   */
  readonly expiry?: { readonly field: string; readonly ttlName: string; readonly plainName: string };
}

/**
 * The user list's indexes, each in the order equality, sort, range: `isDeleted` (every list asks
 * for `false`), then `status` when filtered, then the sort field and `_id` (the tie-breaker, so
 * a page and a keyset bound are both read off the index in order and the scan stops at the
 * limit). Each index is walked forwards or backwards, so it serves both sort orders. A prefix
 * search is the range part: on the name index it narrows the scan to the prefix; with another
 * sort the planner may scan that sort's index and filter, or merge the name and e-mail ranges
 * and sort what it found.
 */
export const USER_LIST_INDEXES: readonly IndexDeclaration[] = (['createdAt', 'nameLower', 'email', 'age'] as const).flatMap((field) => {
  const direction = field === 'createdAt' ? -1 : 1;
  return [
    { key: { isDeleted: 1, [field]: direction, _id: direction }, name: `list_${field}` },
    { key: { isDeleted: 1, status: 1, [field]: direction, _id: direction }, name: `list_status_${field}` },
  ];
});

const purge = { field: 'purgeAt', ttlName: 'purge_ttl', plainName: 'purge_at' } as const;

export const INDEXES = {
  users: {
    indexes: [
      // Login, registration and "forgot password" find a user by the normalised address.
      { key: { email: 1 }, name: 'email_unique', unique: true },
      // Role holders: a role's visible members, the active ones of the last-admin check; counted
      // off the index (the earlier `roles`, on roleIds alone, fetched every member to filter).
      { key: { roleIds: 1, isDeleted: 1, status: 1 }, name: 'role_members' },
      ...USER_LIST_INDEXES,
    ],
    retired: ['status_createdAt', 'name_prefix', 'roles'],
  },
  /** Claims of a user's next version (FerretDB only in practice): by `_id` only. */
  users_version_claims: { indexes: [] },
  roles: { indexes: [{ key: { name: 1 }, name: 'name_unique', unique: true }] },
  /**
   * `family_revoked` serves everything asked about one session, and revoking it reads only its
   * unrevoked tokens (a long session rotates thousands of times); `user_live` a user's live
   * tokens (equality on the two nulls, then the expiry range) and `revokeForUser` by its prefix.
   */
  refresh_tokens: {
    indexes: [
      { key: { tokenHash: 1 }, name: 'token_hash_unique', unique: true },
      { key: { familyId: 1, revokedAt: 1 }, name: 'family_revoked' },
      { key: { userId: 1, revokedAt: 1, spentAt: 1, expiresAt: 1 }, name: 'user_live' },
    ],
    retired: ['family'],
  },
  /** Spend markers of refresh tokens: by `_id` (the token id) only. */
  refresh_token_spends: { indexes: [] },
  /** Session records (client, created, last used): read and touched by `_id` (the family id). */
  sessions: { indexes: [] },
  api_keys: {
    indexes: [
      { key: { keyHash: 1 }, name: 'key_hash_unique', unique: true },
      { key: { ownerId: 1, createdAt: -1 }, name: 'owner' },
    ],
  },
  /**
   * Each filter of the list (none, actorId, action), then its whole sort (`at`, `_id`): an index
   * that stops at `at` leaves MongoDB sorting every match in memory to break ties on `_id`.
   */
  audit_log: {
    indexes: [
      { key: { actorId: 1, at: -1, _id: -1 }, name: 'actor_at_id' },
      { key: { action: 1, at: -1, _id: -1 }, name: 'action_at_id' },
      { key: { at: -1, _id: -1 }, name: 'at_id' },
    ],
    retired: ['actor_at', 'action_at', 'at'],
  },
  leases: { indexes: [{ key: { name: 1, generation: -1 }, name: 'name_generation' }] },
  outbox: {
    indexes: [
      // What is due: pending or claimed, by due date.
      { key: { status: 1, dueAt: 1 }, name: 'status_due' },
      // The periodic purge of relayed messages, oldest first.
      { key: { status: 1, relayedAt: 1 }, name: 'status_relayed' },
    ],
  },
  outbox_claims: { indexes: [{ key: { messageId: 1 }, name: 'message' }] },
  account_tokens: { indexes: [{ key: { userId: 1, purpose: 1 }, name: 'user_purpose' }], expiry: purge },
  account_tokens_ends: { indexes: [], expiry: purge },
  /** TOTP state, one document per user, `_id` the user id. */
  mfa_totp: { indexes: [] },
  mfa_totp_claims: {
    indexes: [
      { key: { userId: 1 }, name: 'user' },
      { key: { totpId: 1, step: 1 }, name: 'totp_step' },
    ],
  },
  mfa_challenges: { indexes: [{ key: { userId: 1 }, name: 'user' }] },
  /** Spend markers of login challenges: by `_id` only. */
  mfa_challenge_spends: { indexes: [] },
} as const satisfies Record<string, CollectionIndexes>;

export type CollectionName = keyof typeof INDEXES;

/**
 * Creates the declared indexes `collection` lacks and drops its retired ones. With `expiry`,
 * also its TTL index, or the plain index where the server refuses TTL indexes; answers whether
 * the server purges by itself (true when the collection declares no expiry).
 */
export const ensureDeclaredIndexes = async <T extends Document>(collection: Collection<T>, name: CollectionName): Promise<boolean> => {
  const declared: CollectionIndexes = INDEXES[name];
  await ensureIndexes(collection, declared.indexes, declared.retired);
  if (!declared.expiry) return true;
  const { field, ttlName, plainName } = declared.expiry;
  try {
    await ensureIndexes(collection, [{ key: { [field]: 1 }, name: ttlName, expireAfterSeconds: 0 }]);
    return true;
  } catch (err) {
    if (!(err instanceof MongoServerError && /expireAfterSeconds.*not implemented/i.test(err.message))) throw err;
    await ensureIndexes(collection, [{ key: { [field]: 1 }, name: plainName }]);
    return false;
  }
};

/**
 * The shard keys a sharded cluster would use (README, "MongoDB at scale"). Nexus never shards a
 * collection itself (`sh.shardCollection` is the operator's); this is the design the
 * index-coverage test holds the queries to: each query on these collections carries its shard
 * key, or is a scatter-gather that test lists with its reason. The other collections stay
 * unsharded on the cluster's primary shard (small, or keyed by `_id` alone).
 *
 * - users by hashed `_id`: every per-request read and write names the user. A unique index on a
 *   sharded collection must start with the shard key, so `email_unique` cannot stay: e-mail
 *   uniqueness would move to a `user_emails` collection (`_id` = the normalised address), not
 *   built yet, so users stays unsharded until a deployment needs it.
 * - audit_log by time (`at`, then `_id` for cardinality): writes append at the newest chunk,
 *   old chunks can be moved to cheaper shards or archived by range.
 * - refresh_tokens and sessions by hashed `userId`: a user's sessions live together.
 */
export const SHARD_KEYS = {
  users: { key: { _id: 'hashed' } },
  audit_log: { key: { at: 1, _id: 1 } },
  refresh_tokens: { key: { userId: 'hashed' } },
  sessions: { key: { userId: 'hashed' } },
} as const satisfies Partial<Record<CollectionName, { readonly key: IndexKey }>>;
