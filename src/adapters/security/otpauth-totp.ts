import { Secret, TOTP } from 'otpauth';
import type { Totp } from '../../application/ports/totp.port';
import { TOTP as SETTINGS } from '../../domain/auth/mfa';

/** RFC 6238 with the otpauth library: SHA-1, 6 digits, 30 s steps, one step either side accepted. */
export class OtpauthTotp implements Totp {
  newSecret(): string {
    // 20 bytes from the library's CSPRNG (node:crypto), the size RFC 4226 recommends for SHA-1.
    return new Secret({ size: 20 }).base32;
  }

  uri(secret: string, account: string): string {
    return this.totp(secret, account).toString();
  }

  stepOf(secret: string, code: string, at: Date): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const timestamp = at.getTime();
    const delta = this.totp(secret).validate({ token: code, timestamp, window: SETTINGS.window });
    return delta === null ? null : TOTP.counter({ period: SETTINGS.periodSeconds, timestamp }) + delta;
  }

  private totp(secret: string, account = ''): TOTP {
    return new TOTP({
      issuer: SETTINGS.issuer,
      label: account,
      algorithm: SETTINGS.algorithm,
      digits: SETTINGS.digits,
      period: SETTINGS.periodSeconds,
      secret: Secret.fromBase32(secret),
    });
  }
}
