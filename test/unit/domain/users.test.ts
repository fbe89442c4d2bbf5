import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { parseEmail } from '../../../src/domain/users/email';
import { changeUser, newUser, type UserId } from '../../../src/domain/users/user';
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
