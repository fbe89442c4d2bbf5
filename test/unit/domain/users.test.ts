import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { parseEmail } from '../../../src/domain/users/email';
import { changeUser, newUser, parseName, type UserId } from '../../../src/domain/users/user';
import { cleanText } from '../../../src/domain/shared/text';

const id = '0123456789abcdef01234567' as UserId;
const now = new Date('2026-05-01T10:00:00Z');

describe('Domain :: users', () => {
  context('Email', () => {
    it('normalises case and surrounding space', () => {
      expect(parseEmail('  Ada@Example.COM ')).to.deep.equal(E.right('ada@example.com'));
    });
    for (const bad of ['', 'plain', 'a@b', 'a b@c.io', 'a@b.c', '<a>@b.io', `${'x'.repeat(250)}@b.io`]) {
      it(`refuses ${JSON.stringify(bad.slice(0, 20))}`, () => {
        expect(E.isLeft(parseEmail(bad))).to.equal(true);
      });
    }
  });

  // Characters that render as nothing, or re-order what is shown: twins of real identities.
  const INVISIBLE: readonly [string, string][] = [
    ['NUL', '\u0000'], ['a tab', '\t'], ['a line feed', '\n'], ['DEL', '\u007f'], ['a C1 control (NEL)', '\u0085'], ['a C1 control (CSI)', '\u009b'],
    ['a zero-width space', '\u200b'], ['a zero-width non-joiner', '\u200c'], ['a zero-width joiner', '\u200d'], ['a word joiner', '\u2060'],
    ['a byte-order mark', '\ufeff'], ['a soft hyphen', '\u00ad'], ['a right-to-left override', '\u202e'], ['a left-to-right isolate', '\u2066'],
    ['a right-to-left mark', '\u200f'], ['a line separator', '\u2028'], ['a paragraph separator', '\u2029'], ['a variation selector', '\ufe0f'],
    ['a tag character', '\u{e0041}'], ['a Hangul filler', '\u3164'], ['a Hangul choseong filler', '\u115f'], ['a combining grapheme joiner', '\u034f'],
    ['a Mongolian vowel separator', '\u180e'], ['an interlinear annotation', '\ufff9'], ['a lone surrogate', '\ud800'], ['a private-use character', '\ue000'],
  ];

  context('Email with invisible characters', () => {
    for (const [what, ch] of INVISIBLE) {
      for (const [where, email] of [['local part', `ad${ch}a@example.com`], ['domain', `ada@exam${ch}ple.com`], ['end', `ada@example.com${ch}`]]) {
        it(`refuses ${what} in the ${where}`, () => {
          const parsed = parseEmail(email!);
          expect(E.isLeft(parsed), JSON.stringify(email)).to.equal(true);
        });
      }
    }

    it('says what is wrong with an invisible character', () => {
      expect(parseEmail('ad\u200ba@example.com')).to.deep.equal(E.left('must not contain control, format or invisible characters'));
    });

    it('normalises to NFC and case-folds, so every spelling of one address is one key', () => {
      const nfc = 'jos\u00e9@example.com';
      const nfd = 'jose\u0301@example.com';
      expect(parseEmail(nfd)).to.deep.equal(E.right(nfc));
      expect(parseEmail('JOSE\u0301@EXAMPLE.COM')).to.deep.equal(E.right(nfc));
      expect(parseEmail('STRASSE@example.de')).to.deep.equal(parseEmail('stra\u00dfe@example.de'));
      expect(parseEmail('\u03a3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c2@example.gr')).to.deep.equal(parseEmail('\u03c3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c3@example.gr'));
    });
  });

  context('Email look-alikes', () => {
    it('folds compatibility spellings (fullwidth, mathematical letters, ligatures, dotless i) into the one key', () => {
      const plain = parseEmail('admin@example.com');
      for (const twin of ['\uff41dmin@example.com', '\u{1d41a}dmin@example.com', 'ADM\u0131N@example.com', 'adm\u0131n@example.com', 'admin@ex\uff41mple.com']) {
        expect(parseEmail(twin), JSON.stringify(twin)).to.deep.equal(plain);
      }
      expect(parseEmail('\ufb01le@example.com')).to.deep.equal(parseEmail('file@example.com'));
    });
  });

  context('names', () => {
    for (const [what, ch] of INVISIBLE) {
      it(`refuses ${what} in a name, naming the field`, () => {
        const user = newUser(id, { name: `Ada${ch}Lovelace`, email: 'ada@x.io' }, now);
        expect(E.isLeft(user) && user.left).to.deep.equal([{ path: 'name', message: 'must not contain control, format or invisible characters' }]);
      });
    }

    for (const [what, name] of [['zero-width spaces', '\u200b\u200b\u200b'], ['Hangul fillers', '\u3164\u3164'], ['a lone combining mark', '\u0301'], ['spaces', '   '], ['a braille blank', '\u2800\u2800']]) {
      it(`refuses a name made only of ${what}`, () => {
        const user = newUser(id, { name: name!, email: 'ada@x.io' }, now);
        expect(E.isLeft(user) && user.left.map((e) => e.path)).to.deep.equal(['name']);
      });
    }

    it('stores names in NFC', () => {
      expect(parseName('Jose\u0301 Garci\u0301a')).to.deep.equal(E.right('Jos\u00e9 Garc\u00eda'));
    });

    it('keeps names in any script, with their own marks', () => {
      for (const name of ['Zo\u00eb', '\u674e\u5c0f\u9f99', '\u0645\u062d\u0645\u062f', '\u0939\u093f\u0928\u094d\u0926\u0940', "O'Brien-Smith"]) {
        expect(parseName(name)).to.deep.equal(E.right(name.normalize('NFC')));
      }
    });

    it('applies the same rules when a name or e-mail is changed', () => {
      const user = E.getOrElseW(() => {
        throw new Error('bad fixture');
      })(newUser(id, { name: 'Ada', email: 'ada@x.io' }, now));
      const changed = changeUser(user, { name: '\u200b', email: 'a\u202eda@x.io' }, now);
      expect(E.isLeft(changed) && changed.left.map((e) => e.path)).to.deep.equal(['name', 'email']);
    });
  });

  context('newUser', () => {
    it('builds an active user at version 1', () => {
      const user = newUser(id, { name: ' Ada ', email: 'ADA@x.io', age: 36 }, now);
      expect(E.isRight(user) && user.right).to.include({ id, name: 'Ada', email: 'ada@x.io', age: 36, status: 'active', isDeleted: false, version: 1 });
    });

    it('reports every broken rule at once', () => {
      const user = newUser(id, { name: '<b></b>', email: 'nope', age: 151 }, now);
      expect(E.isLeft(user) && user.left.map((e) => e.path)).to.deep.equal(['name', 'email', 'age']);
    });

    it('refuses a fractional age', () => {
      const user = newUser(id, { name: 'A', email: 'a@x.io', age: 3.5 }, now);
      expect(E.isLeft(user) && user.left[0]).to.deep.equal({ path: 'age', message: 'must be a whole number from 0 to 150' });
    });
  });

  context('changeUser', () => {
    const user = E.getOrElseW(() => {
      throw new Error('bad fixture');
    })(newUser(id, { name: 'Ada', email: 'ada@x.io' }, now));

    it('changes only the given fields and bumps the version', () => {
      const later = new Date('2026-05-02T10:00:00Z');
      const changed = changeUser(user, { age: 40 }, later);
      expect(E.isRight(changed) && changed.right).to.include({ name: 'Ada', email: 'ada@x.io', age: 40, version: 2 });
      expect(E.isRight(changed) && changed.right.updatedAt).to.equal(later);
    });

    it('clears the age with null', () => {
      const changed = changeUser({ ...user, age: 30 }, { age: null }, now);
      expect(E.isRight(changed) && changed.right.age).to.equal(null);
    });
  });

  context('cleanText', () => {
    it('strips tags and control characters and folds white space', () => {
      expect(cleanText('  <i>Hi</i>\u0000 there\n\n<img src=x onerror=alert(1)>you ')).to.equal('Hi there you');
    });
  });
});
