import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { IssueApiKey } from '../../../src/application/api-keys/issue-api-key';
import { ListApiKeys } from '../../../src/application/api-keys/list-api-keys';
import { RevokeApiKey } from '../../../src/application/api-keys/revoke-api-key';
import { ChangePassword } from '../../../src/application/auth/change-password';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { RoleRepository } from '../../../src/application/ports/role-repository.port';
import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import { CreateRole } from '../../../src/application/roles/create-role';
import { TransferRole } from '../../../src/application/roles/transfer-role';
import { UnassignRole } from '../../../src/application/roles/unassign-role';
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

// Each rule is unit-tested with its use case (test/unit/application/roles, api-keys); these check
// that every way round a rule, across modules, meets the same rule in the composed app.
describe('Access :: the last holder of *:*', () => {
  it('refuses every way of taking *:* from its last holder, and says LastSuperuser', async () => {
    const c = await embeddedContainer();
    const adminRole = await adminRoleOf(c);
    const root = await anAccount(c, ['admin']);
    const other = c.get(CreateRole);
    const plain = await other.execute(tokenActor(root), { name: 'plain', permissions: [] });
    if (E.isLeft(plain)) throw new Error('fixture');
    const me = tokenActor(root);
    expect(tagOf(await c.get(UnassignRole).execute(me, root.id, adminRole))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(TransferRole).execute(me, root.id, adminRole, plain.right.id))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(UpdateUserProfile).execute(me, root.id, { status: 'suspended' }))).to.equal('LastSuperuser');
    expect(tagOf(await c.get(DeleteUser).execute(me, root.id))).to.equal('LastSuperuser');
    expect((await c.get<UserRepository>(TYPES.UserRepository).findById(root.id))).to.deep.include({ status: 'active', isDeleted: false, roleIds: [adminRole] });
  });
});

describe('Access :: API keys never manage credentials', () => {
  it('refuses issuing and revoking keys and changing the password to an API key actor', async () => {
    const c = await embeddedContainer();
    const owner = await anAccount(c, ['admin']);
    const [issue, revoke, list] = [c.get(IssueApiKey), c.get(RevokeApiKey), c.get(ListApiKeys)];
    const made = await issue.execute(tokenActor(owner), { name: 'ci', permissions: [] });
    if (E.isLeft(made)) throw new Error('fixture');
    expect(tagOf(await issue.execute(keyActor(owner), { name: 'more', permissions: [] }))).to.equal('ApiKeyCannotManageCredentials');
    expect(tagOf(await revoke.execute(keyActor(owner), made.right.apiKey.id))).to.equal('ApiKeyCannotManageCredentials');
    expect(tagOf(await c.get(ChangePassword).execute(keyActor(owner), STRONG_PASSWORD, 'Another-Strong-Pass-991!'))).to.equal('ApiKeyCannotManageCredentials');
    const listed = await list.execute(tokenActor(owner));
    expect(E.isRight(listed) && listed.right).to.have.length(1);
  });

  it('reads API_KEY_MAX_DAYS from the environment, 365 by default, and refuses nonsense', () => {
    expect(loadConfig({}).apiKeys.maxLifetimeDays).to.equal(365);
    expect(loadConfig({ API_KEY_MAX_DAYS: '90' }).apiKeys.maxLifetimeDays).to.equal(90);
    for (const bad of ['0', '-1', 'forever', '3651']) {
      expect(() => loadConfig({ API_KEY_MAX_DAYS: bad }), bad).to.throw(ConfigError, /API_KEY_MAX_DAYS/);
    }
  });
});
