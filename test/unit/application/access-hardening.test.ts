import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { InMemoryLeases } from '../../../src/adapters/memory/in-memory-leases';
import { ManageApiKeys } from '../../../src/application/api-keys/api-keys';
import { ChangePassword } from '../../../src/application/auth/change-password';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { RoleRepository } from '../../../src/application/ports/role-repository.port';
import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import { AssignRoles } from '../../../src/application/roles/assign-roles';
import { ManageRoles } from '../../../src/application/roles/roles';
import { SUPERUSER_LEASE, type SuperuserGuardSettings } from '../../../src/application/roles/superuser-guard';
import { TYPES } from '../../../src/application/symbols';
import { DeleteUser } from '../../../src/application/users/delete-user';
import { UpdateUserProfile } from '../../../src/application/users/update-user-profile';
import type { Actor } from '../../../src/domain/auth/actor';
import type { RoleId } from '../../../src/domain/roles/role';
import type { User } from '../../../src/domain/users/user';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/load-config';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';

const EVERYTHING = [{ resource: '*', action: '*' }];
let n = 0;

const anAccount = async (c: Container, roles: string[] = []): Promise<User> => {
  const made = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Someone', email: `someone${++n}@x.io`, password: STRONG_PASSWORD }, roles);
  if (E.isLeft(made)) throw new Error(JSON.stringify(made.left));
  return made.right;
};

const adminRoleOf = async (c: Container): Promise<RoleId> => (await c.get<RoleRepository>(TYPES.RoleRepository).findByName('admin'))!.id;
const tokenActor = (u: User): Actor => ({ userId: u.id, permissions: EVERYTHING, via: 'token' });
const keyActor = (u: User): Actor => ({ userId: u.id, permissions: EVERYTHING, via: 'api-key', apiKeyId: 'k' });
const tagOf = (r: E.Either<{ _tag: string }, unknown>) => (E.isLeft(r) ? r.left._tag : 'Right');

describe('Access :: the last holder of *:*', () => {
  it('refuses every way of taking *:* from its last holder, and says LastSuperuser', async () => {
    const c = await embeddedContainer();
    const adminRole = await adminRoleOf(c);
    const root = await anAccount(c, ['admin']);
    const other = c.get(ManageRoles);
    const plain = await other.create(tokenActor(root), { name: 'plain', permissions: [] });
    if (E.isLeft(plain)) throw new Error('fixture');
    const me = tokenActor(root);
    expect(tagOf(await c.get(AssignRoles).unassign(me, root.id, adminRole))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(AssignRoles).transfer(me, root.id, adminRole, plain.right.id))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(UpdateUserProfile).execute(me, root.id, { status: 'suspended' }))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(DeleteUser).execute(me, root.id))).to.equal('LastSuperuser');
    expect((await c.get<UserRepository>(TYPES.UserRepository).findById(root.id))).to.deep.include({ status: 'active', isDeleted: false, roleIds: [adminRole] });
  });

  it('serialises concurrent mutual demotions so that one holder remains', async () => {
    const c = await embeddedContainer();
    const adminRole = await adminRoleOf(c);
    const admins = await Promise.all([1, 2, 3, 4].map(() => anAccount(c, ['admin'])));
    const assign = c.get(AssignRoles);
    const results = await Promise.all(admins.flatMap((by) => admins.filter((t) => t !== by).map((t) => assign.unassign(tokenActor(by), t.id, adminRole))));
    expect(results.filter(E.isRight)).to.have.length(admins.length - 1);
    expect(await c.get<UserRepository>(TYPES.UserRepository).countActiveWithAnyRole([adminRole])).to.equal(1);
    expect(results.map(tagOf).filter((t) => t === 'LastSuperuser').length).to.be.at.least(1);
  });

  it('answers SuperuserChangeBusy, changing nothing, when the lease stays taken', async () => {
    const leases = new InMemoryLeases();
    const c = await embeddedContainer({ leases }, (container) => {
      container.bind<SuperuserGuardSettings>(TYPES.SuperuserGuardSettings).toConstantValue({ leaseTtlMs: 60_000, waitMs: 200 });
    });
    const adminRole = await adminRoleOf(c);
    const [a, b] = [await anAccount(c, ['admin']), await anAccount(c, ['admin'])];
    // Another process holds the lease (and, say, hangs): nothing waits longer than the limit.
    expect(await leases.tryAcquire(SUPERUSER_LEASE, 60_000)).to.not.equal(null);
    const result = await c.get(AssignRoles).unassign(tokenActor(a), b.id, adminRole);
    expect(tagOf(result)).to.equal('SuperuserChangeBusy');
    expect((await c.get<UserRepository>(TYPES.UserRepository).findById(b.id))?.roleIds).to.deep.equal([adminRole]);
  });
});

describe('Access :: built-in roles', () => {
  it('freezes admin, and lets only a holder of *:* change user', async () => {
    const c = await embeddedContainer();
    const roles = c.get(ManageRoles);
    const repo = c.get<RoleRepository>(TYPES.RoleRepository);
    const [admin, user] = [(await repo.findByName('admin'))!, (await repo.findByName('user'))!];
    const root = await anAccount(c, ['admin']);
    const manager: Actor = { userId: root.id, via: 'token', permissions: [{ resource: 'roles', action: '*' }, { resource: 'users', action: 'read' }] };
    expect(tagOf(await roles.update(manager, user.id, { permissions: [{ resource: 'users', action: 'read' }] }))).to.equal('BuiltInRoleNeedsSuperuser');
    expect(tagOf(await roles.update(tokenActor(root), admin.id, { description: 'mine' }))).to.equal('BuiltInRoleFrozen');
    expect(tagOf(await roles.update(tokenActor(root), user.id, { permissions: [{ resource: 'users', action: 'read' }] }))).to.equal('Right');
    expect((await repo.findByName('admin'))?.permissions).to.deep.equal(EVERYTHING);
  });
});

describe('Access :: API keys never manage credentials', () => {
  it('refuses issuing and revoking keys and changing the password to an API key actor', async () => {
    const c = await embeddedContainer();
    const owner = await anAccount(c, ['admin']);
    const keys = c.get(ManageApiKeys);
    const made = await keys.issue(tokenActor(owner), { name: 'ci', permissions: [] });
    if (E.isLeft(made)) throw new Error('fixture');
    expect(tagOf(await keys.issue(keyActor(owner), { name: 'more', permissions: [] }))).to.equal('ApiKeyCannotManageCredentials');
    expect(tagOf(await keys.revoke(keyActor(owner), made.right.apiKey.id))).to.equal('ApiKeyCannotManageCredentials');
    expect(tagOf(await c.get(ChangePassword).execute(keyActor(owner), STRONG_PASSWORD, 'Another-Strong-Pass-991!'))).to.equal('ApiKeyCannotManageCredentials');
    expect(await keys.list(tokenActor(owner))).to.have.length(1);
  });

  it('caps key lifetime at API_KEY_MAX_DAYS', async () => {
    const c = await embeddedContainer({}, (container) => container.rebind(TYPES.ApiKeySettings).toConstantValue({ maxLifetimeDays: 30 }));
    const owner = await anAccount(c);
    const keys = c.get(ManageApiKeys);
    const open = await keys.issue(tokenActor(owner), { name: 'open', permissions: [] });
    if (E.isLeft(open)) throw new Error('fixture');
    expect(open.right.apiKey.expiresAt!.getTime() - open.right.apiKey.createdAt.getTime()).to.equal(30 * 86_400_000);
    const long = await keys.issue(tokenActor(owner), { name: 'long', permissions: [], expiresAt: new Date(Date.now() + 31 * 86_400_000) });
    expect(E.isLeft(long) && long.left._tag === 'ValidationFailed' && long.left.errors).to.deep.equal([{ path: 'expiresAt', message: 'must be at most 30 days from now' }]);
  });

  it('reads API_KEY_MAX_DAYS from the environment, 365 by default, and refuses nonsense', () => {
    expect(loadConfig({}).apiKeys.maxLifetimeDays).to.equal(365);
    expect(loadConfig({ API_KEY_MAX_DAYS: '90' }).apiKeys.maxLifetimeDays).to.equal(90);
    for (const bad of ['0', '-1', 'forever', '3651']) {
      expect(() => loadConfig({ API_KEY_MAX_DAYS: bad }), bad).to.throw(ConfigError, /API_KEY_MAX_DAYS/);
    }
  });
});
