import { expect } from 'chai';
import { JoseAccessTokens } from '../../../../src/adapters/security/jose-access-tokens';

describe('Security :: JoseAccessTokens', () => {
  const secret = 'unit-secret-unit-secret-unit-secret-42';

  it('verifies its own tokens and refuses another key, a tampered token and garbage', async () => {
    const tokens = new JoseAccessTokens(secret);
    const token = await tokens.issue({ userId: 'u1', sessionFamily: 'f1' });
    expect(await tokens.verify(token)).to.deep.equal({ userId: 'u1', sessionFamily: 'f1' });
    expect(await new JoseAccessTokens('another-secret-another-secret-another').verify(token)).to.equal(null);
    expect(await tokens.verify(`${token.slice(0, -2)}xx`)).to.equal(null);
    expect(await tokens.verify('not.a.jwt')).to.equal(null);
  });

  it('stops accepting a remembered token once it expires', async () => {
    let now = Date.now();
    const tokens = new JoseAccessTokens(secret, 60, () => now);
    const token = await tokens.issue({ userId: 'u2', sessionFamily: 'f2' });
    expect(await tokens.verify(token)).to.not.equal(null);
    expect(await tokens.verify(token)).to.not.equal(null);
    now += 61_000;
    expect(await tokens.verify(token)).to.equal(null);
  });
});
