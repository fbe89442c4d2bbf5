import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { EVERYTHING, tokenActor, usersWorld } from '../../../support/users-world';

const tagOf = (r: E.Either<{ _tag: string }, unknown>): string => (E.isLeft(r) ? r.left._tag : 'Right');

describe('Users :: writes conditional on a version (If-Match)', () => {
  it('updates only over a version it is given, and answers UserVersionMismatch otherwise, changing nothing', async () => {
    const w = usersWorld();
    const admin = await w.member(await w.role('admin', EVERYTHING));
    const target = await w.member();
    expect(tagOf(await w.updateUserProfile.execute(tokenActor(admin, EVERYTHING), target.id, { name: 'Stale' }, [target.version + 1]))).to.equal('UserVersionMismatch');
    expect(tagOf(await w.updateUserProfile.execute(tokenActor(admin, EVERYTHING), target.id, { name: 'Nothing named' }, []))).to.equal('UserVersionMismatch');
    expect((await w.adapters.users.findById(target.id))?.name).to.equal(target.name);
    const written = await w.updateUserProfile.execute(tokenActor(admin, EVERYTHING), target.id, { name: 'Fresh' }, [99, target.version]);
    expect(E.isRight(written) && written.right).to.deep.include({ name: 'Fresh', version: target.version + 1 });
  });

  it('turns a write that lost the race into UserVersionMismatch when a version was named, ConcurrentModification when not', async () => {
    const w = usersWorld();
    const admin = await w.member(await w.role('admin', EVERYTHING));
    const target = await w.member();
    // Both read the same version before either writes: the repository lets one through.
    const race = async (ifVersion?: readonly number[]) =>
      (
        await Promise.all(['One', 'Two'].map((name) => w.updateUserProfile.execute(tokenActor(admin, EVERYTHING), target.id, { name }, ifVersion)))
      ).map(tagOf).sort();
    const current = (await w.adapters.users.findById(target.id))!;
    expect(await race([current.version])).to.deep.equal(['Right', 'UserVersionMismatch']);
    expect(await race()).to.deep.equal(['ConcurrentModification', 'Right']);
  });

  it('deletes only over a version it is given', async () => {
    const w = usersWorld();
    const admin = await w.member(await w.role('admin', EVERYTHING));
    const target = await w.member();
    expect(tagOf(await w.deleteUser.execute(tokenActor(admin, EVERYTHING), target.id, [target.version + 1]))).to.equal('UserVersionMismatch');
    expect((await w.adapters.users.findById(target.id))?.isDeleted).to.equal(false);
    expect(tagOf(await w.deleteUser.execute(tokenActor(admin, EVERYTHING), target.id, [target.version]))).to.equal('Right');
    expect((await w.adapters.users.findById(target.id))?.isDeleted).to.equal(true);
  });

  it('checks who may change the user before the version: 404 and 403 come first', async () => {
    const w = usersWorld();
    const root = await w.member(await w.role('admin', EVERYTHING));
    const manager = await w.member();
    const gone = '0123456789abcdef01234567' as never;
    const updaters = [{ resource: 'users', action: 'update' }, { resource: 'users', action: 'delete' }];
    expect(tagOf(await w.updateUserProfile.execute(tokenActor(manager, updaters), gone, { name: 'x' }, [1]))).to.equal('UserNotFound');
    expect(tagOf(await w.updateUserProfile.execute(tokenActor(manager, updaters), root.id, { name: 'x' }, [999]))).to.equal('CannotManageUser');
    expect(tagOf(await w.deleteUser.execute(tokenActor(manager, updaters), root.id, [999]))).to.equal('CannotManageUser');
  });
});
