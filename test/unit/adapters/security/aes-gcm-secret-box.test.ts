import { expect } from 'chai';
import { AesGcmSecretBox } from '../../../../src/adapters/security/aes-gcm-secret-box';

const SECRET = 'c00ebbb3d980f984956aa84227c43c991ef6a47135b020c77a56cd881ff1258e';
const SECRET_TOKEN = 'q8X_-zR3tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM5qW';

describe('Security :: AES-256-GCM secret box', () => {
  it('opens what it sealed, and what another box with the same secret sealed (another process of the deployment)', () => {
    const sealed = new AesGcmSecretBox(SECRET).seal(`link=${SECRET_TOKEN}`, 'ctx');

    expect(new AesGcmSecretBox(SECRET).open(sealed, 'ctx')).to.deep.equal({ ok: true, plaintext: `link=${SECRET_TOKEN}` });
  });

  it('never shows the plaintext, and seals the same value differently each time', () => {
    const box = new AesGcmSecretBox(SECRET);
    const one = box.seal(SECRET_TOKEN, 'ctx');
    const two = box.seal(SECRET_TOKEN, 'ctx');

    expect(one).to.not.include(SECRET_TOKEN);
    expect(Buffer.from(one.split('.')[2] ?? '', 'base64url').toString('latin1')).to.not.include(SECRET_TOKEN);
    expect(one).to.not.equal(two);
    expect(one).to.match(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
  });

  it('does not open under another context (another recipient or kind of mail)', () => {
    const box = new AesGcmSecretBox(SECRET);
    expect(box.open(box.seal('x', 'account-mail:password-reset:ada@example.com'), 'account-mail:password-reset:eve@example.com')).to.deep.equal({ ok: false, reason: 'corrupt' });
  });

  it('does not open a changed or truncated value', () => {
    const box = new AesGcmSecretBox(SECRET);
    const sealed = box.seal('the plaintext', 'ctx');
    const [v, kid, body = ''] = sealed.split('.');
    const bytes = Buffer.from(body, 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    for (const changed of [`${v}.${kid}.${bytes.toString('base64url')}`, sealed.slice(0, -4), `${v}.${kid}.`, 'v1', 'v2.x.y', '']) {
      expect(box.open(changed, 'ctx'), changed).to.deep.equal({ ok: false, reason: 'corrupt' });
    }
  });

  it('tells a value sealed by another key (JWT_SECRET changed, or a random one) from a changed one', () => {
    const sealed = AesGcmSecretBox.random().seal('x', 'ctx');
    expect(new AesGcmSecretBox(SECRET).open(sealed, 'ctx')).to.deep.equal({ ok: false, reason: 'another-key' });
    expect(AesGcmSecretBox.random().open(sealed, 'ctx')).to.deep.equal({ ok: false, reason: 'another-key' });
  });

  it('derives a key of its own per purpose, so a value sealed for one use does not open for another', () => {
    const sealed = new AesGcmSecretBox(SECRET, 'account-mail').seal('x', 'ctx');
    expect(new AesGcmSecretBox(SECRET, 'something-else').open(sealed, 'ctx').ok).to.equal(false);
  });

  it('refuses a secret too short to derive a key from', () => {
    expect(() => new AesGcmSecretBox('short')).to.throw(/at least 16 bytes/);
  });
});
