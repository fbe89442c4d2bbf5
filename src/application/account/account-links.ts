import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type AccountTokenPurpose, accountTokenRefused, type AuthError } from '../../domain/auth/auth.errors';
import { emailKey } from '../../domain/users/email';
import { parseUserId, type User } from '../../domain/users/user';
import type { AccountSettings } from '../auth/account-settings';
import type { AccountToken, AccountTokenStore } from '../ports/account-token-store.port';
import type { Clock } from '../ports/clock.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** The page of the front end (at APP_URL) each kind of link opens. */
const PAGES: Record<AccountTokenPurpose, string> = { 'password-reset': 'reset-password', 'email-verification': 'verify-email' };

export interface AccountLink {
  /** `${APP_URL}/reset-password?token=...`: carries the token, so it is a secret (never logged). */
  readonly link: string;
  readonly expiresAt: Date;
  readonly expiresInMinutes: number;
}

/**
 * Makes the one-time links of account e-mails: 32 random bytes (base64url) in the link, only
 * their SHA-256 in the store, bound to the user and to the address the link is mailed to.
 */
@injectable()
export class AccountLinks {
  constructor(
    @inject(TYPES.AccountTokenStore) private readonly tokens: AccountTokenStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.AccountSettings) private readonly settings: AccountSettings,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  /** The front end's home: where a link goes that needs no token (a verified account's welcome). */
  get home(): string {
    return `${this.settings.appUrl}/`;
  }

  async issue(purpose: AccountTokenPurpose, user: Pick<User, 'id' | 'email'>): Promise<AccountLink> {
    const token = this.secrets.generate(32);
    const createdAt = this.clock.now();
    const expiresInMinutes = purpose === 'password-reset' ? this.settings.resetTtlMinutes : this.settings.verifyTtlHours * 60;
    const expiresAt = new Date(createdAt.getTime() + expiresInMinutes * 60_000);
    await this.tokens.issue({ purpose, tokenHash: this.secrets.digest(token), userId: user.id, email: emailKey(user.email), createdAt, expiresAt });
    return { link: `${this.settings.appUrl}/${PAGES[purpose]}?token=${token}`, expiresAt, expiresInMinutes };
  }

  /**
   * Who a link from an e-mail belongs to, without using it up (a refused request changes
   * nothing): a token that was issued for this purpose, is unused, unexpired and not withdrawn,
   * of an active user who still has the address it was mailed to.
   */
  async holder(purpose: AccountTokenPurpose, token: string): Promise<E.Either<AuthError, { readonly token: AccountToken; readonly user: User }>> {
    const checked = await this.tokens.check(purpose, this.secrets.digest(token), this.clock.now());
    if (checked.status === 'revoked' && (await this.addressLeft(checked.token))) return E.left(accountTokenRefused(purpose, 'email-changed'));
    if (checked.status !== 'valid') return E.left(accountTokenRefused(purpose, checked.status));
    const user = await this.userOf(checked.token);
    if (!user) return E.left(accountTokenRefused(purpose, 'unknown'));
    // Deleted or suspended since the link went out: the account changed.
    if (user.isDeleted || user.status !== 'active') return E.left(accountTokenRefused(purpose, 'revoked'));
    if (emailKey(user.email) !== checked.token.email) return E.left(accountTokenRefused(purpose, 'email-changed'));
    return E.right({ token: checked.token, user });
  }

  private async userOf(token: AccountToken): Promise<User | null> {
    const userId = parseUserId(token.userId);
    return E.isRight(userId) ? this.users.findById(userId.right) : null;
  }

  /** Was the token withdrawn because its account left the address it went to? */
  private async addressLeft(token: AccountToken): Promise<boolean> {
    const user = await this.userOf(token);
    return user !== null && emailKey(user.email) !== token.email;
  }

  /** Uses the link up; only one of any number of concurrent callers gets Right. */
  async use(token: AccountToken): Promise<E.Either<AuthError, void>> {
    const used = await this.tokens.consume(token.purpose, token.tokenHash, this.clock.now());
    return used.status === 'consumed' ? E.right(undefined) : E.left(accountTokenRefused(token.purpose, used.status));
  }

  /** Withdraws the user's unused links of these purposes (a newer one was sent, the address changed). */
  withdraw(userId: string, purposes: readonly AccountTokenPurpose[]): Promise<number> {
    return this.tokens.revokeUnused(userId, purposes, this.clock.now());
  }
}
