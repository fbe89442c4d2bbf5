import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryMfaStore } from '../../../../src/adapters/memory/in-memory-mfa-store';
import { DescribeCaller } from '../../../../src/application/auth/describe-caller';
import { CachedUserLookup } from '../../../../src/application/users/cached-user-lookup';
import { silentLogger } from '../../../support/logger';
import { EVERYTHING, keyActor, tokenActor, usersWorld } from '../../../support/users-world';

describe('Auth :: DescribeCaller', () => {
  it('describes the caller with its roles, its effective permissions and how it signed in', async () => {
    const w = usersWorld();
    const admin = await w.role('admin', EVERYTHING);
    const me = await w.member(admin);
    const scoped = [{ resource: 'users', action: 'read' }];
    const result = await w.describeCaller.execute(keyActor(me, scoped));
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.user.id).to.equal(me.id);
    expect(result.right.roles.map((r) => r.name)).to.deep.equal(['admin']);
    expect(result.right.permissions).to.deep.equal(scoped);
    expect(result.right.via).to.equal('api-key');
  });

  it('uses the account authentication loaded instead of loading it again', async () => {
    const w = usersWorld();
    const me = await w.member();
    class NeverLoads extends CachedUserLookup {
      override find(): never {
        throw new Error('loaded a second time');
      }
    }
    const describe = new DescribeCaller(new NeverLoads(w.adapters.users, w.adapters.cache, silentLogger()), w.adapters.roles, new InMemoryMfaStore());
    expect(E.isRight(await describe.execute(tokenActor(me)))).to.equal(true);
  });

  it('loads the account when the actor did not come with it, and answers UserNotFound once it is gone', async () => {
    const w = usersWorld();
    const me = await w.member();
    const { user: _loaded, ...bare } = tokenActor(me);
    expect(E.isRight(await w.describeCaller.execute(bare))).to.equal(true);
    await w.adapters.users.update({ ...me, isDeleted: true, deletedAt: new Date(), version: me.version + 1 });
    await w.accessCache.forgetUser(me.id);
    expect(await w.describeCaller.execute(bare)).to.deep.equal(E.left({ _tag: 'UserNotFound', userId: me.id }));
  });
});
