import type {
  AccountToken,
  AccountTokenPurpose,
  AccountTokenStore,
  TokenCheck,
  TokenConsumption,
} from '../../application/ports/account-token-store.port';

/** How long a token is remembered after it expired, so a late click hears "expired", not "unknown". */
export const KEEP_AFTER_EXPIRY_MS = 24 * 3600_000;

interface Row {
  readonly token: AccountToken;
  readonly endedAs?: 'used' | 'revoked';
  readonly endedAt?: Date;
}

/** The embedded profile's token store. One thread, so every method is atomic by construction. */
export class InMemoryAccountTokenStore implements AccountTokenStore {
  private readonly rows = new Map<string, Row>();

  async issue(token: AccountToken): Promise<void> {
    this.purge(token.createdAt);
    if (this.rows.has(token.tokenHash)) throw new Error('account token exists');
    this.rows.set(token.tokenHash, { token: structuredClone(token) });
  }

  async check(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenCheck> {
    return this.checkNow(purpose, tokenHash, now);
  }

  async consume(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenConsumption> {
    // Checked and ended with no await between: concurrent consumers cannot interleave here.
    const checked = this.checkNow(purpose, tokenHash, now);
    if (checked.status !== 'valid') return { status: checked.status };
    this.rows.set(tokenHash, { token: checked.token, endedAs: 'used', endedAt: now });
    return { status: 'consumed', token: checked.token };
  }

  private checkNow(purpose: AccountTokenPurpose, tokenHash: string, now: Date): TokenCheck {
    const row = this.rows.get(tokenHash);
    if (!row || row.token.purpose !== purpose) return { status: 'unknown' };
    if (row.endedAs === 'revoked') return { status: 'revoked', token: row.token };
    if (row.endedAs) return { status: row.endedAs };
    if (row.token.expiresAt.getTime() <= now.getTime()) return { status: 'expired' };
    return { status: 'valid', token: structuredClone(row.token) };
  }

  async revokeUnused(userId: string, purposes: readonly AccountTokenPurpose[], now: Date): Promise<number> {
    let revoked = 0;
    for (const [hash, row] of this.rows) {
      const { token } = row;
      if (token.userId !== userId || !purposes.includes(token.purpose) || row.endedAs || token.expiresAt.getTime() <= now.getTime()) continue;
      this.rows.set(hash, { token, endedAs: 'revoked', endedAt: now });
      revoked += 1;
    }
    return revoked;
  }

  private purge(now: Date): void {
    for (const [hash, row] of this.rows) {
      if (row.token.expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS < now.getTime()) this.rows.delete(hash);
    }
  }
}
