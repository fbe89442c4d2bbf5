import { expect } from 'chai';
import { ListCursors, RECENT_CURSORS } from '../../../../src/adapters/http/pagination.codecs';
import type { UserId } from '../../../../src/domain/users/user';
import { openUserListCursor, userListCursor } from '../../../../src/adapters/http/users/users.codecs';

const ID = '6b0ee2ec8633648bc4251bf5';

describe('ListCursors :: sealing what it sealed before', () => {
  it('seals a payload to the same cursor whether or not it remembers it, and the cursor opens', () => {
    const cursors = new ListCursors('secret');
    const payload = (i: number) => [1, 'createdAt', 'desc', 1_796_137_688_183 + i, ID];
    const first = cursors.seal(payload(0));
    expect(cursors.seal(payload(0))).to.equal(first);
    // Past what it remembers: the first payload is sealed afresh, to the same cursor.
    for (let i = 1; i <= RECENT_CURSORS * 2; i++) expect(cursors.seal(payload(i))).to.equal(new ListCursors('secret').seal(payload(i)));
    expect(cursors.seal(payload(0))).to.equal(first);
    expect(cursors.open(first)).to.deep.equal(payload(0));
  });

  it('keeps each secret its own: the same payload under another secret is another cursor', () => {
    const payload = [1, 'name', 'asc', 'ada', ID];
    const mine = new ListCursors('secret');
    const theirs = new ListCursors('other');
    const cursor = mine.seal(payload);
    expect(theirs.seal(payload)).to.not.equal(cursor);
    expect(theirs.open(cursor)).to.equal(undefined);
    expect(mine.open(mine.seal(payload))).to.deep.equal(payload);
  });

  it('opens nothing it remembers sealing unless the cursor is whole: a spliced, flipped or re-sorted cursor is refused', () => {
    const cursors = new ListCursors('secret');
    const a = userListCursor(cursors, 'name', 'asc', { key: 'ada', id: ID as UserId });
    const b = userListCursor(cursors, 'email', 'desc', { key: 'zed@example.com', id: ID as UserId });
    const [bodyA, macA] = a.split('.') as [string, string];
    const [bodyB, macB] = b.split('.') as [string, string];
    for (const forged of [`${bodyA}.${macB}`, `${bodyB}.${macA}`, `${bodyA}.${macA.slice(0, -1)}${macA.endsWith('A') ? 'B' : 'A'}`, `${bodyA}x.${macA}`, `${bodyA}.${macA}.`]) {
      expect(cursors.open(forged), forged).to.equal(undefined);
    }
    // Sealed under one order, it is refused under another, however recently it was sealed.
    expect(() => openUserListCursor(cursors, { after: a, sortBy: 'email' })).to.throw();
    expect(() => openUserListCursor(cursors, { after: a, sortOrder: 'desc' })).to.throw();
    expect(openUserListCursor(cursors, { after: a })).to.deep.include({ sortBy: 'name', sortOrder: 'asc' });
  });
});
