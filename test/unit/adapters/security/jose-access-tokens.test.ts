import { expect } from 'chai';
import { SignJWT } from 'jose';
import { JoseAccessTokens } from '../../../../src/adapters/security/jose-access-tokens';

describe('Security :: JoseAccessTokens', () => {
  const secret = 'unit-secret-unit-secret-unit-secret-42';
  const key = new TextEncoder().encode(secret);
  const T0 = Date.parse('2026-06-01T12:00:00Z');
  const seconds = (ms: number) => Math.floor(ms / 1000);

  /** A token signed with the right key, with whatever times the caller claims. */
  const signed = (times: { iat?: number; exp: number; nbf?: number }, sid: string | null = 's1') => {
    const jwt = new SignJWT(sid === null ? {} : { sid }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('u1').setIssuer('nexus').setAudience('nexus-api').setExpirationTime(times.exp);
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
    return jwt.sign(key);
  };

  it('verifies its own tokens and refuses another key, a tampered token and garbage', async () => {
    const tokens = new JoseAccessTokens(secret);
    const token = await tokens.issue({ userId: 'u1', sessionId: 'f1' });
    expect(await tokens.verify(token)).to.deep.equal({ userId: 'u1', sessionId: 'f1' });
    expect(await new JoseAccessTokens('another-secret-another-secret-another').verify(token)).to.equal(null);
    expect(await tokens.verify(`${token.slice(0, -2)}xx`)).to.equal(null);
    expect(await tokens.verify('not.a.jwt')).to.equal(null);
  });

  it('stops accepting a remembered token once it expires', async () => {
    let now = Date.now();
    const tokens = new JoseAccessTokens(secret, 60, () => now);
    const token = await tokens.issue({ userId: 'u2', sessionId: 'f2' });
    expect(await tokens.verify(token)).to.not.equal(null);
    expect(await tokens.verify(token)).to.not.equal(null);
    now += 61_000;
    expect(await tokens.verify(token)).to.equal(null);
  });

  it('stamps the issue time from its own clock', async () => {
    const tokens = new JoseAccessTokens(secret, 900, () => T0);
    const token = await tokens.issue({ userId: 'u1', sessionId: 's1' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; sid: string };
    expect(claims).to.include({ iat: seconds(T0), exp: seconds(T0) + 900, sid: 's1' });
    expect(await tokens.verify(token)).to.deep.equal({ userId: 'u1', sessionId: 's1' });
  });

  context('with a fixed clock, a 900 s TTL and 30 s of skew', () => {
    const tokens = () => new JoseAccessTokens(secret, 900, () => T0, 30);
    const now = seconds(T0);

    it('accepts an issue time up to the skew ahead of its clock, and refuses one beyond it', async () => {
      expect(await tokens().verify(await signed({ iat: now + 30, exp: now + 900 }))).to.not.equal(null);
      expect(await tokens().verify(await signed({ iat: now + 31, exp: now + 900 }))).to.equal(null);
      expect(await tokens().verify(await signed({ iat: now + 86_400, exp: now + 86_400 + 900 }))).to.equal(null);
    });

    it('refuses a token older than the TTL plus the skew even when its expiry is far off', async () => {
      expect(await tokens().verify(await signed({ iat: now - 930, exp: now + 3600 }))).to.not.equal(null);
      expect(await tokens().verify(await signed({ iat: now - 931, exp: now + 3600 }))).to.equal(null);
      expect(await tokens().verify(await signed({ iat: now - 86_400, exp: now + 86_400 }))).to.equal(null);
    });

    it('refuses a token without an issue time, without a session, or not yet valid', async () => {
      expect(await tokens().verify(await signed({ exp: now + 600 }))).to.equal(null);
      expect(await tokens().verify(await signed({ iat: now, exp: now + 600 }, null))).to.equal(null);
      expect(await tokens().verify(await signed({ iat: now, exp: now + 600, nbf: now + 120 }))).to.equal(null);
    });

    it('forgets a remembered token when it reaches the maximum age, whatever its expiry says', async () => {
      let clock = T0;
      const remembering = new JoseAccessTokens(secret, 900, () => clock, 30);
      const token = await signed({ iat: now, exp: now + 7200 });
      expect(await remembering.verify(token)).to.not.equal(null);
      clock += 929_000;
      expect(await remembering.verify(token)).to.not.equal(null);
      clock += 2_000;
      expect(await remembering.verify(token)).to.equal(null);
    });
  });
});
