import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { InMemoryRoleRepository } from '../../../../src/adapters/memory/in-memory-role-repository';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { AccessCache } from '../../../../src/application/cache/access-cache';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import type { AccessTokens } from '../../../../src/application/ports/access-tokens.port';
import { PermissionResolver } from '../../../../src/application/roles/permission-resolver';
import { TYPES } from '../../../../src/application/symbols';
import { CachedUserLookup } from '../../../../src/application/users/cached-user-lookup';
import { UpdateUserProfile } from '../../../../src/application/users/update-user-profile';
import { systemActor } from '../../../../src/domain/auth/actor';
import { newRole, type Role, type RoleId } from '../../../../src/domain/roles/role';
import type { User, UserId } from '../../../../src/domain/users/user';
import { embeddedContainer, STRONG_PASSWORD } from '../../../support/embedded';
import { silentLogger } from '../../../support/logger';

/**
 * A read that misses the cache loads from the source, then fills the cache. A write that lands
 * between the load and the fill (and drops the key before the fill) must not leave the value
 * loaded before it in the cache until the TTL: for a user that is a suspension or a role change
 * ignored for minutes, on every instance.
 */

/** Holds the next load of a source after it has read, until `release`. */
class Gate {
  private held: Promise<void> | undefined;
  private open: (() => void) | undefined;
  close(): void {
    this.held = new Promise((resolve) => (this.open = resolve));
  }
  async pass(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await held;
  }
  release(): void {
    this.open?.();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('Cache :: a fill racing a write', () => {
  it('a user loaded before a change is not kept in the cache after it (CachedUserLookup)', async () => {
    const gate = new Gate();
    class SlowUsers extends InMemoryUserRepository {
      override async findById(id: UserId): Promise<User | null> {
        const user = await super.findById(id);
        await gate.pass();
        return user;
      }
    }
    const c = await embeddedContainer({ users: new SlowUsers() } as never);
    const registered = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Old Name', email: 'race@example.com', password: STRONG_PASSWORD });
    if (E.isLeft(registered)) throw new Error(JSON.stringify(registered.left));
    const id = registered.right.id;
    const lookup = c.get(CachedUserLookup);

    gate.close();
    const reading = lookup.find(id);
    await tick();
    const admin = systemActor('race', [{ resource: 'users', action: 'update' }, { resource: 'users', action: 'read' }]);
    const updated = await c.get(UpdateUserProfile).execute(admin, id, { name: 'Renamed Meanwhile' });
    expect(E.isRight(updated), JSON.stringify(updated)).to.equal(true);
    gate.release();
    await reading;

    const after = await lookup.find(id);
    expect(E.isRight(after) && after.right.name).to.equal('Renamed Meanwhile');
  });

  const roleWith = (name: string, action: string): Role => {
    const made = newRole('00000000-0000-4000-8000-0000000000a1' as RoleId, { name, permissions: [{ resource: 'users', action }] }, new Date());
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left));
    return made.right;
  };

  const resolverWorld = () => {
    const gate = new Gate();
    class SlowRoles extends InMemoryRoleRepository {
      override async findByIds(ids: readonly string[]): Promise<Role[]> {
        const found = await super.findByIds(ids);
        await gate.pass();
        return found;
      }
    }
    const roles = new SlowRoles();
    const cache = new InMemoryCache();
    const logger = silentLogger();
    const tokens = { maxAgeSeconds: 900 } as AccessTokens;
    return { gate, roles, cache, resolver: new PermissionResolver(roles, cache, logger), accessCache: new AccessCache(cache, tokens, logger) };
  };

  it("a role's permissions resolved before the role changed are not kept after it (PermissionResolver)", async () => {
    const { gate, roles, resolver, accessCache } = resolverWorld();
    const role = roleWith('editor', 'read');
    await roles.insert(role);
    const user = { id: 'u1' as UserId, roleIds: [role.id] };

    gate.close();
    const resolving = resolver.of(user);
    await tick();
    await roles.update({ ...role, permissions: [{ resource: 'users', action: 'update' }], version: role.version + 1 });
    await accessCache.forgetAllPermissions();
    gate.release();
    await resolving;

    expect(await resolver.of(user)).to.deep.equal([{ resource: 'users', action: 'update' }]);
  });

  it("a user's permissions resolved from its roles before a role was taken away are not used after it", async () => {
    const { gate, roles, cache, resolver, accessCache } = resolverWorld();
    const role = roleWith('editor', 'delete');
    await roles.insert(role);
    const before = { id: 'u1' as UserId, roleIds: [role.id] };

    gate.close();
    const resolving = resolver.of(before);
    await tick();
    // The role is taken from the user (the repository write), and its entries dropped.
    const after = { id: 'u1' as UserId, roleIds: [] as RoleId[] };
    await accessCache.forgetUser('u1');
    gate.release();
    await resolving;

    expect(await resolver.of(after)).to.deep.equal([]);
    // As authentication reads it: the entry from its batch of cache reads, then `from`.
    expect(await resolver.from(after, await cache.get(resolver.keyOf(after.id)))).to.deep.equal([]);
  });
});
