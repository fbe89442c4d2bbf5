import { expect } from 'chai';
import fc from 'fast-check';
import { byEveryRule, nonCanonical } from '../../../../src/adapters/http/middleware/canonical-path';

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/);
const canonical = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);

/** Ways to spell the same path differently, each one a known route-confusion trick. */
const respell = (path: string, at: number, pick: number): string => {
  const i = Math.min(at, path.length - 1);
  const slash = path.indexOf('/', 1) === -1 ? path.length : path.indexOf('/', 1);
  const tricks = [
    () => `${path}/`,
    () => `${path.slice(0, slash)}/${path.slice(slash)}`,
    () => `${path.slice(0, slash)}/.${path.slice(slash)}`,
    () => `${path.slice(0, slash)}/x/..${path.slice(slash)}`,
    () => `${path.slice(0, i)}%${path.charCodeAt(i).toString(16)}${path.slice(i + 1)}`,
    () => `${path.slice(0, i)}%${path.charCodeAt(i).toString(16).toUpperCase()}${path.slice(i + 1)}`,
    () => `${path.slice(0, slash)}%2F${path.slice(slash + 1)}`,
    () => `${path.slice(0, slash)}%2e%2e${path.slice(slash)}`,
    () => `${path}%00`,
    () => `${path}%C0%AE`,
    () => `${path}%`,
    () => `${path.slice(0, slash)}\\${path.slice(slash + 1)}`,
    () => `${path.slice(0, i)}\u017f${path.slice(i + 1)}`,
  ];
  return tricks[pick % tricks.length]!();
};

describe('Adapters :: http :: canonical path', () => {
  it('accepts every plain path of lower-case segments', () => {
    fc.assert(fc.property(canonical, (path) => {
        expect(nonCanonical(path)).to.equal(undefined);
      }), { seed: 8, numRuns: 500 });
  });

  it('refuses every second spelling of a path, naming why', () => {
    fc.assert(
      fc.property(canonical, fc.nat(), fc.nat(), (path, at, pick) => {
        const other = respell(path, at, pick);
        fc.pre(other !== path);
        expect(nonCanonical(other), other).to.be.a('string');
      }),
      { seed: 8, numRuns: 2000 },
    );
  });

  it('keeps escapes that a path needs (space, colon, @, non-ASCII letters)', () => {
    for (const path of ['/api/jobs/email/a%3Ab', '/api/x%20y', '/api/%40me', '/api/caf%C3%A9']) expect(nonCanonical(path), path).to.equal(undefined);
  });

  it('answers as every rule in turn would, shortcut or not, for any path', () => {
    const piece = fc.constantFrom('/', '.', '..', '//', 'a', 'Z', '0', '-', '_', '~', '!', '@', ':', ';', '%', '%2e', '%2E', '%2F', '%41', '%3A', '%00', '%7f', '%zz', '%C3%A9', '%E2', ' ', '\\', '\u00e9', '?');
    const path = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 10 })).map(([slash, parts]) => `${slash ? '/' : ''}${parts.join('')}`);
    fc.assert(fc.property(path, (p) => {
        expect(nonCanonical(p), p).to.equal(byEveryRule(p));
      }), { seed: 8, numRuns: 20000 });
  });
});
