import { inject, injectable } from 'inversify';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import { AccountMail } from '../jobs/account-mail';
import { AccountLinks } from './account-links';

/** Why a verification link went out (in the audit entry). */
export type VerificationReason = 'registration' | 'resend' | 'email-change';

/**
 * Sends verification links: with the welcome e-mail at registration, on request, and to the new
 * address when an address changes (with a notice to the old one). Every link goes through the
 * outbox (`AccountMail`), so a queue that is down delays it, never loses it.
 */
@injectable()
export class EmailVerification {
  constructor(
    @inject(AccountLinks) private readonly links: AccountLinks,
    @inject(AccountMail) private readonly mail: AccountMail,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  /** The link a welcome e-mail carries: a verification link, or the front end for a verified account. */
  async welcomeLink(user: Pick<User, 'id' | 'email' | 'emailVerified'>): Promise<string> {
    return user.emailVerified ? this.links.home : (await this.links.issue('email-verification', user)).link;
  }

  /** Withdraws the user's unused verification links (registration refused, the address verified). */
  async withdraw(userId: string): Promise<void> {
    await this.links.withdraw(userId, ['email-verification']);
  }

  /** Records that a verification link went out to the user's current address. */
  sent(user: Pick<User, 'id'>, actorId: string | null, reason: VerificationReason): Promise<void> {
    return this.audit.record({ actorId, action: 'auth.email.verification.sent', target: { type: 'user', id: user.id }, after: { reason } });
  }

  /** Mails a new verification link to the user's current address, and audits it. */
  async send(user: Pick<User, 'id' | 'email' | 'name'>, actorId: string | null, reason: VerificationReason): Promise<void> {
    const { link } = await this.links.issue('email-verification', user);
    await this.mail.dispatch(await this.mail.send('email-verification', user, { link }));
    await this.sent(user, actorId, reason);
  }

  /**
   * The user's address changed from `before.email` to `after.email`: the new address gets a
   * verification link, and the old one a notice naming the new one (so the owner learns of a
   * change they did not make). Links mailed to the old address are withdrawn (and each is bound
   * to the address it went to besides).
   */
  async addressChanged(actorId: string, before: Pick<User, 'id' | 'email' | 'name'>, after: Pick<User, 'id' | 'email' | 'name'>): Promise<void> {
    await this.audit.record({ actorId, action: 'user.email.changed', target: { type: 'user', id: after.id }, before: { email: before.email }, after: { email: after.email } });
    // Bound to the address it went to, a link would work again were the account to come back to
    // that address later (A -> B -> A): every unused link of the old address ends now.
    await this.links.withdraw(after.id, ['password-reset', 'email-verification']);
    const notice = await this.mail.send('email-changed', { email: before.email, name: before.name }, { newEmail: after.email });
    await this.send(after, actorId, 'email-change');
    await this.mail.dispatch(notice);
  }
}
