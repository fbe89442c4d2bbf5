import { expect } from 'chai';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { spawnSync } from 'node:child_process';
import { DICEWARE_WORDS, SECRET_REASONS, secretWeakness } from '../../../src/infrastructure/config/secret-strength';

// Values an operator might paste: each is refused, with a reason that never contains the value.
const BAD: readonly [string, string][] = [
  ['the old compose default', 'change-me-change-me-change-me-change-me'],
  ['changeme', 'changeme'],
  ['secret', 'secret'],
  ['a README-style placeholder', 'your-secret-here'],
  ['replace-me', 'replace-me'],
  ['placeholder words padded to length', 'your-super-secret-jwt-key-replace-me-in-production'],
  ['placeholder words with digits', 'ChangeMe123ChangeMe456SecretKey789Production'],
  ['the test suite value', 'e2e-secret-e2e-secret-e2e-secret-0123456789'],
  ['the bench value', 'bench-secret-bench-secret-bench-secret'],
  ['one character repeated', 'a'.repeat(64)],
  ['a short pattern repeated', 'abc123'.repeat(12)],
  ['a hex word repeated', 'deadbeef'.repeat(8)],
  ['few different characters', 'aabbaabbabababbbaaabbbababababbbababaaaabbbababbabababab'],
  ['a keyboard walk', 'qwertyuiopasdfghjklzxcvbnm1234567890qwertyuiop'],
  ['an alphabet sequence', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'],
  ['dictionary words', 'correct horse battery staple is my favourite phrase!'],
  ['a sentence', 'my dog ate the cat and then the bird flew over the moon at 3am'],
  ['camel-cased words', 'ThisIsMySuperSecretJwtSigningKeyForProduction2024!!'],
  ['31 random bytes as hex', randomBytes(31).toString('hex').slice(0, 62)],
  ['16 random bytes as hex', randomBytes(16).toString('hex')],
  ['24 random bytes base64url', randomBytes(24).toString('base64url')],
  ['a random hex value with a long run inside', `${randomBytes(28).toString('hex')}00000000`],
  ['short', 'hunter2'],
  ['empty after trimming', '                                        '],
];

const GOOD: readonly [string, string][] = [
  ['openssl rand -hex 32', randomBytes(32).toString('hex')],
  ['32 random bytes base64url (43 characters)', randomBytes(32).toString('base64url')],
  ['openssl rand -base64 32', randomBytes(32).toString('base64')],
  ['48 random bytes base64', randomBytes(48).toString('base64')],
  ['a long diceware passphrase', 'abacus ablaze abrasion absinthe acclimate accompany account accuracy acetone acid acorn acquire acre acrobat activate actress adapter adhesive adjourn admiral'],
  ['a fixed hex value', '3f9c1b7e5a2d48c06e1f97b3a5d20c8e4b7a19f6d3c25e08a1b4f7c9e2d6a305'],
];

describe('Infrastructure :: secret strength', () => {
  for (const [what, value] of BAD) {
    it(`refuses ${what}, without echoing it`, () => {
      const reason = secretWeakness(value);
      expect(reason, what).to.be.a('string');
      expectNoEcho(reason!, value);
    });
  }

  for (const [what, value] of GOOD) {
    it(`accepts ${what}`, () => {
      expect(secretWeakness(value)).to.equal(undefined);
    });
  }

  it('accepts every 32-byte random value as hex, base64 and base64url', () => {
    fc.assert(
      // Uniform bytes (noBias): fast-check's default bias toward small and sequential values makes
      // arrays such as 0,0,7,0,5,8,...,13,14,15,16 that no random source gives, and the check
      // rightly calls predictable.
      fc.property(fc.noBias(fc.uint8Array({ minLength: 32, maxLength: 32 })), (bytes) => {
        const buf = Buffer.from(bytes);
        fc.pre(new Set(bytes).size >= 24);
        for (const value of [buf.toString('hex'), buf.toString('base64url'), buf.toString('base64')]) {
          expect(secretWeakness(value), value).to.equal(undefined);
        }
      }),
      // A fixed seed, as below: see there.
      { numRuns: 300, seed: 20261201 },
    );
    // Random data does show a refused pattern, by design less than once in about a million values
    // (four equal bytes in a row, say: about 1.7e-6), so fresh random values here would fail about
    // one run in 200. Values drawn from a fixed seed (a SHA-256 chain) check as many random-looking
    // secrets on every run, and the same ones.
    let state = Buffer.from('nexus secret-strength test');
    for (let i = 0; i < 3000; i += 1) {
      state = createHash('sha256').update(state).digest();
      const buf = state;
      for (const value of [buf.toString('hex'), buf.toString('base64url'), buf.toString('base64')]) {
        expect(secretWeakness(value), value).to.equal(undefined);
      }
    }
  });

  it("judges words against zxcvbn's diceware list, the one the package's index exports", () => {
    expect(DICEWARE_WORDS).to.deep.equal(dictionary['diceware-common']);
  });

  it("loading the config does not load zxcvbn's common passwords (kept for the process's life otherwise)", () => {
    const probe = `require('./src/infrastructure/config/load-config');
      const loaded = Object.keys(require.cache).filter((f) => f.includes('@zxcvbn-ts'));
      process.stdout.write(JSON.stringify(loaded.map((f) => f.slice(f.indexOf('@zxcvbn-ts')))));`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: process.cwd(), encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal(['@zxcvbn-ts/language-common/dist/diceware.json.cjs', '@zxcvbn-ts/dictionary-compression/dist/decompress.cjs']);
  });

  it('never includes the value, or a prefix of it, in its reason', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 80 }), (value) => {
        const reason = secretWeakness(value);
        if (reason !== undefined) expectNoEcho(reason, value);
      }),
    );
  });
});

// A reason is one of a few fixed sentences, so it cannot carry any part of the value.
const expectNoEcho = (reason: string, value: string): void => {
  expect(Object.values(SECRET_REASONS)).to.include(reason);
  if (value.trim().length >= 6) expect(reason).to.not.include(value.trim());
};
