import { expect } from 'chai';
import { AesGcmSecretBox } from '../../../../src/adapters/security/aes-gcm-secret-box';
import { OtpauthTotp } from '../../../../src/adapters/security/otpauth-totp';
import { base32 } from '../../../../src/domain/auth/mfa';

describe('Security :: AesGcmSecretBox', () => {
  const box = new AesGcmSecretBox('a-server-secret-of-enough-length-0123456789');

  it('opens what it sealed, for the same context only, and seals the same text differently each time', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp-secret:u1');
    expect(sealed).to.not.include('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp-secret:u1')).to.equal('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp-secret:u2')).to.equal(null);
    expect(box.seal('JBSWY3DPEHPK3PXP', 'totp-secret:u1')).to.not.equal(sealed);
  });

  it('refuses a value sealed under another key, altered, or not sealed at all', () => {
    const sealed = box.seal('secret', 'c');
    expect(new AesGcmSecretBox('another-server-secret-0123456789abcdef').open(sealed, 'c')).to.equal(null);
    const [v, iv, data, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    for (const bad of [`${v}.${iv}.${flipped.toString('base64url')}.${tag}`, `${v}.${iv}.${data}.${tag.slice(0, -2)}AA`, `v2.${iv}.${data}.${tag}`, 'secret', '', `${sealed}.x`]) {
      expect(box.open(bad, 'c'), bad).to.equal(null);
    }
  });
});

describe('Security :: OtpauthTotp (RFC 6238)', () => {
  const totp = new OtpauthTotp();
  // RFC 6238 appendix B: the SHA-1 seed "12345678901234567890"; its 8-digit codes, of which an
  // authenticator shows the last 6.
  const seed = base32(Buffer.from('12345678901234567890', 'ascii'));
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ];

  it('finds the step of the RFC test vectors, and accepts one step either side but not two', () => {
    for (const [seconds, code8] of vectors) {
      const code = code8.slice(2);
      const step = Math.floor(seconds / 30);
      expect(totp.stepOf(seed, code, new Date(seconds * 1000)), String(seconds)).to.equal(step);
      expect(totp.stepOf(seed, code, new Date((seconds + 30) * 1000))).to.equal(step);
      expect(totp.stepOf(seed, code, new Date((seconds - 30) * 1000))).to.equal(step);
      expect(totp.stepOf(seed, code, new Date((seconds + 60) * 1000))).to.equal(null);
      expect(totp.stepOf(seed, code, new Date((seconds - 60) * 1000))).to.equal(null);
    }
  });

  it('makes 160-bit base32 secrets and otpauth URIs for authenticator apps', () => {
    const secret = totp.newSecret();
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    expect(totp.newSecret()).to.not.equal(secret);
    expect(totp.uri(secret, 'ada@example.com')).to.equal(`otpauth://totp/Nexus:ada%40example.com?issuer=Nexus&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
  });

  it('refuses anything but six digits', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 287082', '287082 ']) expect(totp.stepOf(seed, code, new Date(59_000)), code).to.equal(null);
  });
});
