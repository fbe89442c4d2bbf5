import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryMfaStore } from '../../../../src/adapters/memory/in-memory-mfa-store';
import { InMemoryRefreshTokenStore } from '../../../../src/adapters/memory/in-memory-refresh-token-store';
import { Login } from '../../../../src/application/auth/login';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import type { MfaState } from '../../../../src/application/ports/mfa-store.port';
import type { RefreshToken } from '../../../../src/domain/auth/session';
import { TYPES } from '../../../../src/application/symbols';
import { embeddedContainer, STRONG_PASSWORD } from '../../../support/embedded';

/** An MFA store whose reads fail while `down`, counting them. */
class FlakyMfaStore extends InMemoryMfaStore {
  down = false;
  reads = 0;
  override async find(userId: string): Promise<MfaState | null> {
    this.reads += 1;
    if (this.down) throw new Error('mfa store unavailable');
    return super.find(userId);
  }
}

/** A token store whose inserts fail while `down`. */
class FlakyTokenStore extends InMemoryRefreshTokenStore {
  down = false;
  override async insert(token: RefreshToken): Promise<void> {
    if (this.down) throw new Error('token store unavailable');
    return super.insert(token);
  }
}

/** Unhandled rejections seen while `during` runs (and a turn after). */
const unhandledDuring = async (during: () => Promise<unknown>): Promise<unknown[]> => {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await during().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
};

describe('Login :: reads ahead while the password is checked', () => {
  const setUp = async () => {
    const mfa = new FlakyMfaStore();
    const tokens = new FlakyTokenStore();
    const c = await embeddedContainer({ mfa, refreshTokens: tokens });
    await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'L', email: 'l@x.io', password: STRONG_PASSWORD });
    return { mfa, tokens, login: c.get(Login) };
  };

  it('reads the TOTP state once per login of an open account, and not at all for an unknown one', async () => {
    const { mfa, login } = await setUp();
    expect(E.isRight(await login.execute('l@x.io', STRONG_PASSWORD))).to.equal(true);
    expect(mfa.reads).to.equal(1);
    mfa.reads = 0;
    expect(await login.execute('nobody@x.io', STRONG_PASSWORD)).to.deep.equal(E.left({ _tag: 'InvalidCredentials' }));
    expect(mfa.reads).to.equal(0);
  });

  it('answers a wrong password as before when the TOTP state cannot be read, and leaves no unhandled rejection', async () => {
    const { mfa, login } = await setUp();
    mfa.down = true;
    let result: unknown;
    expect(await unhandledDuring(async () => (result = await login.execute('l@x.io', 'Wrong-Password-1!')))).to.deep.equal([]);
    expect(result).to.deep.equal(E.left({ _tag: 'InvalidCredentials' }));
  });

  it('fails a right password when the TOTP state cannot be read (never a session without the check)', async () => {
    const { mfa, login } = await setUp();
    mfa.down = true;
    let error: unknown;
    expect(await unhandledDuring(() => login.execute('l@x.io', STRONG_PASSWORD).catch((err: unknown) => void (error = err)))).to.deep.equal([]);
    expect(String(error)).to.contain('mfa store unavailable');
  });

  it('gives no tokens when the session cannot be stored, though the access token was signed meanwhile', async () => {
    const { tokens, login } = await setUp();
    tokens.down = true;
    let error: unknown;
    let result: unknown;
    expect(await unhandledDuring(() => login.execute('l@x.io', STRONG_PASSWORD).then((r) => (result = r), (err: unknown) => void (error = err)))).to.deep.equal([]);
    expect(result).to.equal(undefined);
    expect(String(error)).to.contain('token store unavailable');
  });
});
