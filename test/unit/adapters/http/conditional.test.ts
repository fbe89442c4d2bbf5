import { expect } from 'chai';
import { parseEntityTags } from '../../../../src/adapters/http/conditional';
import { ListCursors } from '../../../../src/adapters/http/pagination.codecs';
import { listETag, userETag, versionsNamed } from '../../../../src/adapters/http/users/user-etags';
import { listMeta } from '../../../../src/domain/shared/pagination';
import type { UserId } from '../../../../src/domain/users/user';

const ID = '0123456789abcdef01234567' as UserId;

describe('HTTP :: conditional requests and list cursors', () => {
  it('reads If-Match / If-None-Match lists as RFC 9110 writes them, and refuses what is not one', () => {
    expect(parseEntityTags('*')).to.equal('*');
    expect(parseEntityTags(' "a" ')).to.deep.equal([{ weak: false, opaque: '"a"' }]);
    expect(parseEntityTags('"a", W/"b",,"c"')).to.deep.equal([
      { weak: false, opaque: '"a"' },
      { weak: true, opaque: '"b"' },
      { weak: false, opaque: '"c"' },
    ]);
    expect(parseEntityTags('""')).to.deep.equal([{ weak: false, opaque: '""' }]);
    for (const bad of ['a', '"a', 'a"', '"a" "b"', 'w/"a"', '"a"b', '"a,b', '* , "a"', ',', '"a\x01"', '"a b"']) {
      expect(parseEntityTags(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('names a user by id and version in a strong ETag, and reads back only strong tags of that user', () => {
    const tag = userETag({ id: ID, version: 7 });
    expect(tag).to.match(/^"[0-9a-f]{24}-7-[0-9a-f]{8}"$/);
    expect(versionsNamed([{ weak: false, opaque: tag }], ID)).to.deep.equal([7]);
    expect(versionsNamed([{ weak: true, opaque: tag }], ID)).to.deep.equal([]);
    expect(versionsNamed([{ weak: false, opaque: tag }], 'aaaaaaaaaaaaaaaaaaaaaaaa' as UserId)).to.deep.equal([]);
    expect(versionsNamed([{ weak: false, opaque: tag.replace(/-[0-9a-f]{8}"$/, '-00000000"') }], ID)).to.deep.equal([]);
    expect(versionsNamed([{ weak: false, opaque: '"x"' }, { weak: false, opaque: userETag({ id: ID, version: 8 }) }], ID)).to.deep.equal([8]);
  });

  it('changes a list ETag with any id, version or paging fact on the page', () => {
    const meta = listMeta({ page: 1, limit: 2, total: 5, nextCursor: 'c' });
    const base = listETag([{ id: ID, version: 1 }], meta);
    expect(base).to.match(/^"l-[\w-]{27}"$/);
    expect(listETag([{ id: ID, version: 1 }], meta)).to.equal(base);
    expect(listETag([{ id: ID, version: 2 }], meta)).to.not.equal(base);
    expect(listETag([{ id: 'aaaaaaaaaaaaaaaaaaaaaaaa' as UserId, version: 1 }], meta)).to.not.equal(base);
    expect(listETag([{ id: ID, version: 1 }], { ...meta, totalItems: 6 })).to.not.equal(base);
    expect(listETag([{ id: ID, version: 1 }], { ...meta, nextCursor: null })).to.not.equal(base);
  });

  it('opens only the cursors it sealed, whole', () => {
    const cursors = new ListCursors('secret');
    const cursor = cursors.seal([1, 'name', 'asc', 'ada', ID]);
    expect(cursors.open(cursor)).to.deep.equal([1, 'name', 'asc', 'ada', ID]);
    expect(new ListCursors('other').open(cursor)).to.equal(undefined);
    const [body, mac] = cursor.split('.') as [string, string];
    expect(cursors.open(`${body}x.${mac}`)).to.equal(undefined);
    expect(cursors.open(`${body}.${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`)).to.equal(undefined);
    expect(cursors.open(body)).to.equal(undefined);
    expect(cursors.open(`${cursor}.x`)).to.equal(undefined);
    const notAnArray = `${Buffer.from('{"a":1}').toString('base64url')}`;
    expect(cursors.open(`${notAnArray}.${cursors.seal([]).split('.')[1]}`)).to.equal(undefined);
  });
});
