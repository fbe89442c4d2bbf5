import type { CapturedMail } from './smtp-capture';

/** The text of every part of a raw message, with quoted-printable and base64 bodies decoded. */
export const mailTexts = (raw: string): string[] => {
  const texts = [raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))];
  for (const m of raw.matchAll(/Content-Transfer-Encoding:\s*base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/gi)) {
    texts.push(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8'));
  }
  return texts;
};

export type LinkPage = 'reset-password' | 'verify-email';

/** The token of the `${APP_URL}/<page>?token=` link in a mail, or undefined when it has none. */
export const linkToken = (mail: CapturedMail, page: LinkPage): string | undefined => {
  for (const text of mailTexts(mail.raw)) {
    const found = new RegExp(`https?://[^\\s"'<>]*/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text);
    if (found) return found[1];
  }
  return undefined;
};

/** Does any decoded part of the mail contain `needle`? */
export const mailSays = (mail: CapturedMail, needle: string): boolean => mailTexts(mail.raw).some((t) => t.includes(needle));
