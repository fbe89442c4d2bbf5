import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { parseEmail } from '../../../src/domain/users/email';
import { parseName } from '../../../src/domain/users/user';
import { aUser } from '../../support/builders/user.builder';

/** Every Cc and Cf code point (what a twin account would hide in an identity). */
const CONTROL_OR_FORMAT = (() => {
  const found: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp += 1) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (/[\p{Cc}\p{Cf}]/u.test(ch)) found.push(ch);
  }
  return found;
})();

const controlOrFormat = fc.constantFrom(...CONTROL_OR_FORMAT);
const localPart = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const validEmail = fc.tuple(localPart, fc.constantFrom('example.com', 'b\u00fccher.de', 'x.io')).map(([l, d]) => `${l}@${d}`);
/** Inserts `ch` at some position of `s`. */
const withInserted = (s: fc.Arbitrary<string>, ch: fc.Arbitrary<string>) =>
  fc.tuple(s, ch, fc.nat()).map(([text, c, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + c + text.slice(i);
  });

// Letters with marks, so that NFC and NFD spellings differ.
const accented = fc.constantFrom('\u00e9', '\u00f1', '\u00fc', '\u00e5', '\u1e69', '\u01d6', '\u00c5', '\u00c9', '\u0107', 'a', 'Z');
const unicodeLocal = fc.array(accented, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));

describe('Properties :: identities', () => {
  it(`refuses any e-mail containing a control or format character (${CONTROL_OR_FORMAT.length} of them)`, () => {
    fc.assert(
      fc.property(withInserted(validEmail, controlOrFormat), (email) => {
        expect(E.isLeft(parseEmail(email)), JSON.stringify(email)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses any name containing a control or format character', () => {
    fc.assert(
      fc.property(withInserted(fc.string({ minLength: 1, maxLength: 40 }), controlOrFormat), (name) => {
        expect(E.isLeft(parseName(name)), JSON.stringify(name)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('maps the NFC and NFD spellings of an e-mail, in any case, to one key, and the key is stable', () => {
    fc.assert(
      fc.property(unicodeLocal, fc.boolean(), (local, upper) => {
        const nfc = `${local}@example.com`.normalize('NFC');
        const variant = (upper ? nfc.toUpperCase() : nfc).normalize('NFD');
        const a = parseEmail(nfc);
        const b = parseEmail(variant);
        expect(E.isRight(a) && E.isRight(b)).to.equal(true);
        expect(b).to.deep.equal(a);
        if (E.isRight(a)) expect(parseEmail(a.right)).to.deep.equal(a);
      }),
    );
  });

  it('finds and refuses the other spelling in the repository (the stored key is the same)', async () => {
    await fc.assert(
      fc.asyncProperty(unicodeLocal, async (local) => {
        const repository = new InMemoryUserRepository();
        const nfc = `${local}@example.com`.normalize('NFC');
        const nfd = nfc.normalize('NFD');
        const first = aUser({ email: nfc });
        expect(await repository.insert(first)).to.equal('inserted');
        expect(await repository.insert(aUser({ email: nfd }))).to.equal('email-taken');
        const key = parseEmail(nfd);
        expect((await repository.findByEmail(E.isRight(key) ? key.right : (nfd as never)))?.id).to.equal(first.id);
      }),
      { numRuns: 50 },
    );
  });
});
