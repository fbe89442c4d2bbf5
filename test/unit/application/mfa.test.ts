import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { Secret, TOTP } from 'otpauth';
import { Authenticate } from '../../../src/application/auth/authenticate';
import { Login } from '../../../src/application/auth/login';
import type { LiftedLock, LoginAttempts, LoginTicket } from '../../../src/application/auth/login-attempts';
import { CompleteMfaLogin } from '../../../src/application/auth/mfa/complete-mfa-login';
import { ConfirmTotpEnrolment } from '../../../src/application/auth/mfa/confirm-totp-enrolment';
import { isMfaChallenge } from '../../../src/application/auth/mfa/mfa-login-gate';
import { StartTotpEnrolment } from '../../../src/application/auth/mfa/start-totp-enrolment';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { Clock } from '../../../src/application/ports/clock.port';
import { TYPES } from '../../../src/application/symbols';
import type { Actor } from '../../../src/domain/auth/actor';
import { formatRecoveryCode, normaliseRecoveryCode } from '../../../src/domain/auth/mfa';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';

/** What the lockout would be told, and whether it says the account is locked. */
class RecordingAttempts implements LoginAttempts {
  readonly calls: string[] = [];
  locked = false;
  async isLocked(): Promise<boolean> {
    this.calls.push('isLocked');
    return this.locked;
  }
  async failed(user: { id: string; email: string }): Promise<void> {
    this.calls.push(`failed:${user.email}`);
  }
  async succeeded(): Promise<void> {
    this.calls.push('succeeded');
  }
  async reserve(): Promise<LoginTicket> {
    this.calls.push('reserve');
    return this.locked ? { open: false, reason: 'locked' } : { open: true, id: null };
  }
  async release(): Promise<void> {
    this.calls.push('release');
  }
  async clear(): Promise<LiftedLock> {
    return { wasLocked: false, lockedUntil: null };
  }
}

class ManualClock implements Clock {
  ms = Date.parse('2026-06-01T12:00:15Z');
  now() {
    return new Date(this.ms);
  }
}

const codeAt = (secret: string, ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });

describe('MFA :: use cases', () => {
  let c: Container;
  let attempts: RecordingAttempts;
  let clock: ManualClock;

  beforeEach(async () => {
    attempts = new RecordingAttempts();
    clock = new ManualClock();
    c = await embeddedContainer({ clock }, (container) => {
      container.unbind(TYPES.LoginAttempts);
      container.bind(TYPES.LoginAttempts).toConstantValue(attempts);
    });
  });

  /** A signed-in user with TOTP on; answers its secret. */
  const enrolled = async (email: string): Promise<{ secret: string; actor: Actor }> => {
    await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Mo Factor', email, password: STRONG_PASSWORD });
    const login = await c.get(Login).execute(email, STRONG_PASSWORD);
    if (E.isLeft(login) || isMfaChallenge(login.right)) throw new Error('fixture');
    const actor = await c.get(Authenticate).bearer(login.right.accessToken);
    if (!actor) throw new Error('fixture');
    const started = await c.get(StartTotpEnrolment).execute(actor);
    if (E.isLeft(started)) throw new Error('fixture');
    expect(E.isRight(await c.get(ConfirmTotpEnrolment).execute(actor, codeAt(started.right.secret, clock.ms)))).to.equal(true);
    return { secret: started.right.secret, actor };
  };
  const challenge = async (email: string): Promise<string> => {
    const login = await c.get(Login).execute(email, STRONG_PASSWORD);
    if (E.isLeft(login) || !isMfaChallenge(login.right)) throw new Error('expected an MFA challenge');
    return login.right.mfaToken;
  };

  it('reports a wrong code as a failed login and a right one as a completed login, to LoginAttempts', async () => {
    const { secret } = await enrolled('count@x.io');
    const token = await challenge('count@x.io');
    attempts.calls.length = 0;
    clock.ms += 30_000;
    const wrong = String((Number(codeAt(secret, clock.ms)) + 1) % 1_000_000).padStart(6, '0');
    expect(await c.get(CompleteMfaLogin).execute(token, { code: wrong })).to.deep.equal(E.left({ _tag: 'MfaCodeInvalid', path: 'code' }));
    expect(await c.get(CompleteMfaLogin).execute(token, { recoveryCode: 'not a code' })).to.deep.equal(E.left({ _tag: 'MfaCodeInvalid', path: 'recoveryCode' }));
    expect(attempts.calls).to.deep.equal(['reserve', 'failed:count@x.io', 'reserve', 'failed:count@x.io']);
    attempts.calls.length = 0;
    expect(E.isRight(await c.get(CompleteMfaLogin).execute(token, { code: codeAt(secret, clock.ms) }))).to.equal(true);
    expect(attempts.calls).to.deep.equal(['reserve', 'succeeded']);
  });

  it('refuses a locked account like a wrong code, without using the code up', async () => {
    const { secret } = await enrolled('locked@x.io');
    const token = await challenge('locked@x.io');
    clock.ms += 30_000;
    const code = codeAt(secret, clock.ms);
    attempts.locked = true;
    attempts.calls.length = 0;
    expect(await c.get(CompleteMfaLogin).execute(token, { code })).to.deep.equal(E.left({ _tag: 'MfaCodeInvalid', path: 'code' }));
    expect(attempts.calls).to.deep.equal(['reserve']);
    attempts.locked = false;
    expect(E.isRight(await c.get(CompleteMfaLogin).execute(token, { code }))).to.equal(true);
  });

  it('does not count the password step of an MFA login as a completed login', async () => {
    await enrolled('half@x.io');
    attempts.calls.length = 0;
    await challenge('half@x.io');
    expect(attempts.calls).to.deep.equal(['reserve', 'release']);
  });
});

describe('MFA :: recovery codes', () => {
  it('are 16 base32 characters in groups of four, read back in any case, without separators, or with look-alike digits', () => {
    const code = formatRecoveryCode(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55]));
    expect(code).to.match(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const plain = code.replace(/-/g, '');
    expect(normaliseRecoveryCode(code)).to.deep.equal(E.right(plain));
    expect(normaliseRecoveryCode(` ${code.toLowerCase()} `)).to.deep.equal(E.right(plain));
    expect(normaliseRecoveryCode('01b8-aaaa-aaaa-aaaa')).to.deep.equal(E.right('OIBBAAAAAAAAAAAA'));
    for (const bad of ['', 'ABCD-EFGH', 'ABCD-EFGH-JKLM-NPQR-STUV', 'ABCD-EFGH-JKLM-NPQ9', '{"$ne":1}']) expect(E.isLeft(normaliseRecoveryCode(bad)), bad).to.equal(true);
  });
});
