import { randomBytes } from 'node:crypto';
import { LiquidMailTemplates } from '../../src/adapters/mail/liquid-mail-templates';
import { AesGcmSecretBox } from '../../src/adapters/security/aes-gcm-secret-box';
import type { MailTemplates } from '../../src/application/ports/mail-templates.port';
import type { SecretBox } from '../../src/application/ports/secret-box.port';

export const TEST_APP_URL = 'http://localhost:3000';

/** A secret box with a key of its own (as a process without `JWT_SECRET` has). */
export const testSecretBox = (): SecretBox => new AesGcmSecretBox(randomBytes(32).toString('base64url'));

let templates: MailTemplates | undefined;
/** The shipped templates, loaded once for the whole run. */
export const testMailTemplates = (): MailTemplates => (templates ??= LiquidMailTemplates.load({ appUrl: TEST_APP_URL }));
