import { inject, injectable } from 'inversify';
import type { Email } from '../../domain/users/email';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import { AccountMail } from '../jobs/account-mail';
import type { Logger } from '../ports/logger.port';
import type { RateLimiter } from '../ports/rate-limiter.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { AccountLinks } from './account-links';
import { OffPathWork } from './off-path-work';

/**
 * "I forgot my password": the same answer, after the same work, whoever the address belongs to
 * (an active account, a suspended or deleted one, or nobody): one look-up and one audit entry.
 * Only then, off the answer's path, an active account gets its link: at most one e-mail a minute
 * per account (the limiter is shared by every instance), each new link withdrawing the older
 * unused ones, so only the latest e-mail's link works.
 */
@injectable()
export class RequestPasswordReset {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccountLinks) private readonly links: AccountLinks,
    @inject(AccountMail) private readonly mail: AccountMail,
    @inject(TYPES.AccountMailLimiter) private readonly limiter: RateLimiter,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(OffPathWork) private readonly offPath: OffPathWork,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(email: Email): Promise<void> {
    const user = await this.users.findByEmail(email);
    // The address itself is never recorded: an entry for nobody holds nothing an attacker typed.
    await this.audit.record({ actorId: null, action: 'auth.password.reset.requested', target: { type: 'user', id: user?.id ?? null } });
    if (user && !user.isDeleted && user.status === 'active') this.offPath.start('password-reset e-mail', () => this.mailLink(user));
  }

  private async mailLink(user: User): Promise<void> {
    const allowed = await this.limiter.consume(`password-reset:${user.id}`);
    if (!allowed.allowed) {
      this.logger.info('password-reset e-mail not sent: one went out to this account less than a minute ago', { userId: user.id });
      return;
    }
    await this.links.withdraw(user.id, ['password-reset']);
    const { link, expiresInMinutes } = await this.links.issue('password-reset', user);
    await this.mail.dispatch(await this.mail.send('password-reset', user, { link, expiresInMinutes }));
  }
}
