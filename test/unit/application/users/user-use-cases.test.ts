import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { systemActor } from '../../../../src/domain/auth/actor';
import type { Permission } from '../../../../src/domain/roles/permission';
import type { UserId } from '../../../../src/domain/users/user';
import { CachedUserLookup } from '../../../../src/application/users/cached-user-lookup';
import { ReadUser } from '../../../../src/application/users/read-user';
import { EVERYTHING, keyActor, tokenActor, usersWorld } from '../../../support/users-world';
import { STRONG_PASSWORD } from '../../../support/embedded';
import { silentLogger } from '../../../support/logger';

const tagOf = (r: E.Either<{ _tag: string }, unknown>): string => (E.isLeft(r) ? r.left._tag : 'Right');
const may = (...names: string[]): Permission[] => names.map((n) => ({ resource: n.split(':')[0]!, action: n.split(':')[1]! }));
const UNKNOWN = '0123456789abcdef01234567' as UserId;

describe('Users :: use cases on in-memory adapters', () => {
  context('ListUsers', () => {
    it('refuses a caller without users:read, and lists for one with it', async () => {
      const w = usersWorld();
      const me = await w.member();
      const query = { from: { page: 1 }, withTotal: true, limit: 10, sortBy: 'createdAt', sortOrder: 'asc' } as const;
      expect(tagOf(await w.listUsers.execute(tokenActor(me), query))).to.equal('PermissionDenied');
      const listed = await w.listUsers.execute(tokenActor(me, may('users:read')), query);
      expect(E.isRight(listed) && listed.right.items.map((u) => u.id)).to.deep.equal([me.id]);
    });
  });

  context('ReadUser', () => {
    it('lets a person signed in read themselves, and nobody else without users:read', async () => {
      const w = usersWorld();
      const [me, other] = [await w.member(), await w.member()];
      expect(tagOf(await w.readUser.execute(tokenActor(me), me.id))).to.equal('Right');
      expect(await w.readUser.execute(tokenActor(me), other.id)).to.deep.equal(E.left({ _tag: 'PermissionDenied', needed: 'users:read' }));
    });

    it('gives an API key no "it is me" shortcut: it reads its owner only within its scope', async () => {
      const w = usersWorld();
      const me = await w.member();
      expect(tagOf(await w.readUser.execute(keyActor(me), me.id))).to.equal('PermissionDenied');
      expect(tagOf(await w.readUser.execute(keyActor(me, may('users:read')), me.id))).to.equal('Right');
    });

    it('answers UserNotFound for an unknown or deleted user', async () => {
      const w = usersWorld();
      const admin = await w.member();
      const gone = await w.member();
      await w.adapters.users.update({ ...gone, isDeleted: true, deletedAt: new Date(), version: gone.version + 1 });
      expect(tagOf(await w.readUser.execute(tokenActor(admin, EVERYTHING), UNKNOWN))).to.equal('UserNotFound');
      expect(tagOf(await w.readUser.execute(tokenActor(admin, EVERYTHING), gone.id))).to.equal('UserNotFound');
    });

    it('does not load the caller again: authentication handed it on', async () => {
      const w = usersWorld();
      const me = await w.member();
      class NeverLoads extends CachedUserLookup {
        override find(): never {
          throw new Error('loaded a second time');
        }
      }
      const read = new ReadUser(new NeverLoads(w.adapters.users, w.adapters.cache, silentLogger()));
      const result = await read.execute(tokenActor(me), me.id);
      expect(E.isRight(result) && result.right.id).to.equal(me.id);
    });
  });

  context('CreateUser', () => {
    it('refuses a caller without users:create and stores nothing', async () => {
      const w = usersWorld();
      const me = await w.member();
      const result = await w.createUser.execute(tokenActor(me), { name: 'New', email: 'new@x.io', password: STRONG_PASSWORD });
      expect(tagOf(result)).to.equal('PermissionDenied');
      expect(await w.adapters.users.findByEmail('new@x.io' as never)).to.equal(null);
    });

    it('creates the account with the user role and a hash that only its password verifies', async () => {
      const w = usersWorld();
      const userRole = await w.role('user', []);
      const admin = await w.member();
      const result = await w.createUser.execute(tokenActor(admin, may('users:create')), { name: 'New', email: 'new@x.io', password: STRONG_PASSWORD });
      if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
      expect(result.right.roleIds).to.deep.equal([userRole.id]);
      const stored = await w.adapters.users.findCredentials(result.right.email);
      expect(stored?.passwordHash).to.not.equal(STRONG_PASSWORD);
      expect(await w.adapters.hasher.verify(stored!.passwordHash, STRONG_PASSWORD)).to.equal(true);
      expect(await w.adapters.hasher.verify(stored!.passwordHash, `${STRONG_PASSWORD}x`)).to.equal(false);
    });
  });

  context('UpdateUserProfile', () => {
    it('lets a person change their own name, but not their e-mail or status, without users:update', async () => {
      const w = usersWorld();
      const me = await w.member();
      const renamed = await w.updateUserProfile.execute(tokenActor(me), me.id, { name: 'Renamed' });
      expect(E.isRight(renamed) && renamed.right.name).to.equal('Renamed');
      expect(tagOf(await w.updateUserProfile.execute(tokenActor(me), me.id, { email: 'mine@x.io' }))).to.equal('PermissionDenied');
      expect(tagOf(await w.updateUserProfile.execute(tokenActor(me), me.id, { status: 'suspended' }))).to.equal('PermissionDenied');
      expect(tagOf(await w.updateUserProfile.execute(keyActor(me), me.id, { name: 'By key' }))).to.equal('PermissionDenied');
    });

    it('refuses to suspend the last holder of *:*', async () => {
      const w = usersWorld();
      const root = await w.member(await w.role('admin', EVERYTHING));
      expect(tagOf(await w.updateUserProfile.execute(tokenActor(root, EVERYTHING), root.id, { status: 'suspended' }))).to.equal('LastSuperuser');
      expect((await w.adapters.users.findById(root.id))?.status).to.equal('active');
    });

    it('drops the cached user, its permissions and the statistics after a change', async () => {
      const w = usersWorld();
      const me = await w.member();
      await w.lookup.find(me.id);
      await w.adapters.cache.set(`perms:user:${me.id}`, [], 60);
      await w.adapters.cache.set('stats:by-role', [], 60);
      await w.updateUserProfile.execute(tokenActor(me), me.id, { age: 41 });
      for (const key of [`user:${me.id}`, `perms:user:${me.id}`, 'stats:by-role']) expect(await w.adapters.cache.get(key), key).to.equal(undefined);
    });

    it('answers EmailAlreadyInUse when moving onto a taken address, and changes nothing', async () => {
      const w = usersWorld();
      const [taken, mover] = [await w.member(), await w.member()];
      const result = await w.updateUserProfile.execute(tokenActor(mover, EVERYTHING), mover.id, { email: taken.email.toUpperCase() });
      expect(tagOf(result)).to.equal('EmailAlreadyInUse');
      expect((await w.adapters.users.findById(mover.id))?.email).to.equal(mover.email);
    });
  });

  context('DeleteUser and RestoreUser', () => {
    it('needs users:delete and users:restore', async () => {
      const w = usersWorld();
      const me = await w.member();
      expect(tagOf(await w.deleteUser.execute(tokenActor(me), me.id))).to.equal('PermissionDenied');
      expect(tagOf(await w.restoreUser.execute(tokenActor(me), me.id))).to.equal('PermissionDenied');
    });

    it('soft-deletes, revokes every API key, audits, and restores without bringing the key back', async () => {
      const w = usersWorld();
      const admin = await w.member(await w.role('admin', EVERYTHING));
      const target = await w.member();
      await w.adapters.apiKeys.insert({ id: 'k1', ownerId: target.id, name: 'ci', prefix: 'sk_ab', keyHash: 'h', permissions: [], createdAt: new Date(), expiresAt: null, lastUsedAt: null, revokedAt: null });
      expect(await w.deleteUser.execute(tokenActor(admin, EVERYTHING), target.id)).to.deep.equal(E.right(undefined));
      expect((await w.adapters.users.findById(target.id))?.isDeleted).to.equal(true);
      expect((await w.adapters.apiKeys.findById('k1'))?.revokedAt).to.not.equal(null);
      expect(tagOf(await w.deleteUser.execute(tokenActor(admin, EVERYTHING), target.id))).to.equal('UserNotFound');

      const restored = await w.restoreUser.execute(tokenActor(admin, EVERYTHING), target.id);
      expect(E.isRight(restored) && restored.right.isDeleted).to.equal(false);
      expect((await w.adapters.apiKeys.findById('k1'))?.revokedAt).to.not.equal(null);
      expect(tagOf(await w.restoreUser.execute(tokenActor(admin, EVERYTHING), target.id))).to.equal('UserNotFound');
      const actions = (await w.adapters.auditLog.list({ page: 1, limit: 10 })).items.map((e) => e.action);
      expect(actions).to.have.members(['user.deleted', 'user.restored']);
    });

    it('refuses to delete the last holder of *:*', async () => {
      const w = usersWorld();
      const root = await w.member(await w.role('admin', EVERYTHING));
      expect(tagOf(await w.deleteUser.execute(tokenActor(root, EVERYTHING), root.id))).to.equal('LastSuperuser');
    });
  });

  context('UserStatsByRole', () => {
    it('needs users:read, which a system actor may hold; counts members per role, most first', async () => {
      const w = usersWorld();
      const [admins, users] = [await w.role('admin', EVERYTHING), await w.role('user', [])];
      const me = await w.member(users);
      await w.member(users);
      await w.member(admins);
      expect(tagOf(await w.userStatsByRole.execute(tokenActor(me)))).to.equal('PermissionDenied');
      const stats = await w.userStatsByRole.execute(systemActor('weekly-report', may('users:read')));
      expect(E.isRight(stats) && stats.right.map((s) => [s.role, s.totalUsers])).to.deep.equal([
        ['user', 2],
        ['admin', 1],
      ]);
    });

    it('is cached until a user changes', async () => {
      const w = usersWorld();
      const users = await w.role('user', []);
      await w.member(users);
      const reader = systemActor('test', may('users:read'));
      await w.userStatsByRole.execute(reader);
      const added = await w.member(users);
      const cached = await w.userStatsByRole.execute(reader);
      expect(E.isRight(cached) && cached.right[0]?.totalUsers).to.equal(1);
      await w.accessCache.forgetUser(added.id);
      const fresh = await w.userStatsByRole.execute(reader);
      expect(E.isRight(fresh) && fresh.right[0]?.totalUsers).to.equal(2);
    });
  });

  context('ExportUsers', () => {
    it('needs users:export, and streams visible users only', async () => {
      const w = usersWorld();
      const me = await w.member();
      const gone = await w.member();
      await w.adapters.users.update({ ...gone, isDeleted: true, deletedAt: new Date(), version: gone.version + 1 });
      expect(tagOf(await w.exportUsers.execute(tokenActor(me, may('users:read'))))).to.equal('PermissionDenied');
      const stream = await w.exportUsers.execute(tokenActor(me, may('users:export')));
      if (E.isLeft(stream)) throw new Error('expected a stream');
      const ids: string[] = [];
      for await (const user of stream.right) ids.push(user.id);
      expect(ids).to.deep.equal([me.id]);
    });
  });
});
