import { type Collection } from 'mongodb';
import type {
  AccountToken,
  AccountTokenPurpose,
  AccountTokenStore,
  TokenCheck,
  TokenConsumption,
} from '../../application/ports/account-token-store.port';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

export const ACCOUNT_TOKENS_COLLECTION = 'account_tokens' as const;

/** How long a token is remembered after it expired, so a late click hears "expired", not "unknown". */
const KEEP_AFTER_EXPIRY_MS = 24 * 3600_000;
/** Each process also deletes old tokens itself, at most this often (all there is on FerretDB v1). */
const PURGE_EVERY_MS = 10 * 60_000;

interface TokenDocument {
  /** The token's SHA-256 (hex): looked up by `_id`, unique by construction. */
  _id: string;
  purpose: AccountTokenPurpose;
  userId: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  /** When the document may be deleted (the TTL index's field). */
  purgeAt: Date;
  usedAt?: Date;
  revokedAt?: Date;
}

/** How a token ended. Its unique `_id` (the token hash) is what makes ending a token atomic. */
interface EndDocument {
  _id: string;
  as: 'used' | 'revoked';
  at: Date;
  purgeAt: Date;
}

/**
 * One-time account tokens in MongoDB. Using or withdrawing a token is inserting its end marker:
 * an insert of one `_id` is atomic on MongoDB and on FerretDB v1 alike, where a conditional
 * update is not (FerretDB's SQLite backend reads, then writes), so of two concurrent consumers
 * exactly one inserts it and wins. The token document's `usedAt` / `revokedAt` follow the marker
 * and serve the reads; a process that dies between the two leaves the marker, which still wins.
 * Old documents go a day after they expired: by a TTL index where the server has them (MongoDB),
 * and by an explicit delete, at most every 10 minutes per process, when tokens are issued (all
 * there is on FerretDB v1, which refuses `expireAfterSeconds`).
 */
export class MongoAccountTokenStore implements AccountTokenStore {
  private readonly tokens: Collection<TokenDocument>;
  private readonly ends: Collection<EndDocument>;
  private ttlIndexes = false;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(database: MongoDatabase) {
    this.tokens = database.db.collection<TokenDocument>(ACCOUNT_TOKENS_COLLECTION);
    this.ends = database.db.collection<EndDocument>(`${ACCOUNT_TOKENS_COLLECTION}_ends`);
  }

  /** Idempotent; run at start-up before the API takes traffic. Declared in ./indexes. */
  async ensureIndexes(): Promise<void> {
    const ttl = [await ensureDeclaredIndexes(this.tokens, ACCOUNT_TOKENS_COLLECTION), await ensureDeclaredIndexes(this.ends, 'account_tokens_ends')];
    this.ttlIndexes = ttl.every(Boolean);
  }

  /** Whether the server purges old documents by itself (a TTL index); false on FerretDB v1. */
  get purgesByTtl(): boolean {
    return this.ttlIndexes;
  }

  async issue(token: AccountToken): Promise<void> {
    await this.purgeOld(token.createdAt);
    const { tokenHash, ...rest } = token;
    await this.tokens.insertOne({ _id: tokenHash, ...rest, purgeAt: purgeAt(token) });
  }

  async check(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenCheck> {
    const doc = await this.tokens.findOne({ _id: tokenHash, purpose });
    if (!doc) return { status: 'unknown' };
    if (doc.usedAt) return { status: 'used' };
    if (doc.revokedAt) return { status: 'revoked', token: toToken(doc) };
    if (doc.expiresAt.getTime() <= now.getTime()) return { status: 'expired' };
    return { status: 'valid', token: toToken(doc) };
  }

  async consume(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenConsumption> {
    const checked = await this.check(purpose, tokenHash, now);
    if (checked.status !== 'valid') return { status: checked.status };
    const ended = await this.end(tokenHash, 'used', now, purgeAt(checked.token));
    if (!ended.won) return { status: ended.as };
    await this.tokens.updateOne({ _id: tokenHash }, { $set: { usedAt: now } });
    return { status: 'consumed', token: checked.token };
  }

  async revokeUnused(userId: string, purposes: readonly AccountTokenPurpose[], now: Date): Promise<number> {
    const open = await this.tokens
      .find({ userId, purpose: { $in: [...purposes] }, usedAt: { $exists: false }, revokedAt: { $exists: false }, expiresAt: { $gt: now } }, { projection: { _id: 1, purgeAt: 1 } })
      .toArray();
    const won: string[] = [];
    for (const doc of open) {
      if ((await this.end(doc._id, 'revoked', now, doc.purgeAt)).won) won.push(doc._id);
    }
    if (won.length > 0) await this.tokens.updateMany({ _id: { $in: won } }, { $set: { revokedAt: now } });
    return won.length;
  }

  /** Inserts the end marker: `won` when this call's insert made it, else how the marker already there says it ended. */
  private async end(tokenHash: string, as: 'used' | 'revoked', at: Date, until: Date): Promise<{ won: boolean; as: 'used' | 'revoked' }> {
    try {
      await this.ends.insertOne({ _id: tokenHash, as, at, purgeAt: until });
      return { won: true, as };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const marker = await this.ends.findOne({ _id: tokenHash });
      return { won: false, as: marker?.as ?? 'used' };
    }
  }

  private async purgeOld(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    await this.tokens.deleteMany({ purgeAt: { $lt: now } });
    await this.ends.deleteMany({ purgeAt: { $lt: now } });
  }
}

const purgeAt = (token: Pick<AccountToken, 'expiresAt'>): Date => new Date(token.expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS);

const toToken = (d: TokenDocument): AccountToken => ({
  purpose: d.purpose,
  tokenHash: d._id,
  userId: d.userId,
  email: d.email,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
});
