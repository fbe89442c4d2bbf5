import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretBox, Unsealed } from '../../application/ports/secret-box.port';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT = 'nexus/secret-box';

/**
 * AES-256-GCM with a key derived by HKDF-SHA-256 from the deployment's secret (`JWT_SECRET`),
 * under its own label, so the sealing key is independent of the token-signing key. A sealed
 * value reads `v1.<key id>.<base64url(iv | ciphertext | tag)>`; the key id (derived under
 * another label, so it says nothing of the key) tells "sealed by another key" apart from
 * "changed". The context is the additional authenticated data.
 */
export class AesGcmSecretBox implements SecretBox {
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(secret: string | Uint8Array, purpose = 'account-mail') {
    const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (ikm.length < 16) throw new Error('the secret box needs a secret of at least 16 bytes');
    this.key = Buffer.from(hkdfSync('sha256', ikm, SALT, `${purpose}/aes-256-gcm`, 32));
    this.keyId = Buffer.from(hkdfSync('sha256', ikm, SALT, `${purpose}/key-id`, 6)).toString('base64url');
  }

  /** A box whose key lives and dies with this process. */
  static random(purpose?: string): AesGcmSecretBox {
    return new AesGcmSecretBox(randomBytes(32), purpose);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(context));
    const sealed = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.keyId}.${sealed.toString('base64url')}`;
  }

  open(sealed: string, context: string): Unsealed {
    const [version, keyId, body, ...rest] = sealed.split('.');
    if (version !== VERSION || keyId === undefined || body === undefined || rest.length > 0) return { ok: false, reason: 'corrupt' };
    if (keyId !== this.keyId) return { ok: false, reason: 'another-key' };
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return { ok: false, reason: 'corrupt' };
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.aad(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      return { ok: true, plaintext: plaintext.toString('utf8') };
    } catch {
      return { ok: false, reason: 'corrupt' };
    }
  }

  private aad(context: string): Buffer {
    return Buffer.from(`${VERSION}.${this.keyId}.${context}`, 'utf8');
  }
}
