import { expect } from 'chai';
import { AesGcmSecretBox } from '../../../../src/adapters/security/aes-gcm-secret-box';

const SECRET = 'c00ebbb3d980f984956aa84227c43c991ef6a47135b020c77a56cd881ff1258e';
const SECRET_TOKEN = 'q8X_-zR3tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM5qW';

/** What sealed account mails rely on (the box itself is shared with the stored TOTP secrets). */
describe('Security :: the secret box, as account mails use it', () => {
  it('opens what another box with the same secret sealed (another process of the deployment)', () => {
    const sealed = new AesGcmSecretBox(SECRET).seal(`link=${SECRET_TOKEN}`, 'account-mail:password-reset:ada@example.com');
    expect(new AesGcmSecretBox(SECRET).open(sealed, 'account-mail:password-reset:ada@example.com')).to.equal(`link=${SECRET_TOKEN}`);
  });

  it('never shows the plaintext, and seals the same value differently each time', () => {
    const box = new AesGcmSecretBox(SECRET);
    const one = box.seal(SECRET_TOKEN, 'ctx');
    const two = box.seal(SECRET_TOKEN, 'ctx');
    expect(one).to.not.include(SECRET_TOKEN);
    expect(one.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join('')).to.not.include(SECRET_TOKEN);
    expect(one).to.not.equal(two);
  });

  it('does not open for another recipient or kind of mail, changed, truncated, or under another secret', () => {
    const box = new AesGcmSecretBox(SECRET);
    const sealed = box.seal('the plaintext', 'account-mail:password-reset:ada@example.com');
    const [v, iv, ct = '', tag] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(box.open(sealed, 'account-mail:password-reset:eve@example.com')).to.equal(null);
    expect(box.open(sealed, 'account-mail:email-verification:ada@example.com')).to.equal(null);
    expect(box.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'account-mail:password-reset:ada@example.com')).to.equal(null);
    expect(box.open(sealed.slice(0, -3), 'account-mail:password-reset:ada@example.com')).to.equal(null);
    expect(new AesGcmSecretBox(`${SECRET}-rotated`).open(sealed, 'account-mail:password-reset:ada@example.com')).to.equal(null);
  });
});
