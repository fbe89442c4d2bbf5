import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { ApiKeyRepository } from '../../src/application/ports/api-key-repository.port';
import type { AuditLog } from '../../src/application/ports/audit-log.port';
import type { RoleRepository } from '../../src/application/ports/role-repository.port';
import type { ApiKey } from '../../src/domain/api-keys/api-key';
import type { AuditEntry } from '../../src/domain/audit/audit-entry';
import { newRole, type Role, type RoleId } from '../../src/domain/roles/role';
import { newId } from '../support/builders/user.builder';

const at = (iso: string) => new Date(iso);

const aRole = (name: string, permissions = [{ resource: 'users', action: 'read' }]): Role => {
  const role = newRole(newId() as RoleId, { name, permissions }, at('2026-01-01T00:00:00Z'));
  if (E.isLeft(role)) throw new Error('bad role');
  return role.right;
};

export const roleRepositoryContract = (name: string, make: () => Promise<RoleRepository>): void => {
  describe(`RoleRepository contract :: ${name}`, () => {
    let roles: RoleRepository;
    beforeEach(async () => {
      roles = await make();
    });

    it('stores and reads a role by id and by name, permissions included', async () => {
      const role = aRole('editor', [{ resource: 'users', action: 'update' }, { resource: 'roles', action: '*' }]);
      expect(await roles.insert(role)).to.equal('saved');
      expect(await roles.findById(role.id)).to.deep.equal(role);
      expect((await roles.findByName('editor'))?.id).to.equal(role.id);
      expect(await roles.findByName('nobody')).to.equal(null);
    });

    it('refuses a second role with the same name', async () => {
      await roles.insert(aRole('dup'));
      expect(await roles.insert(aRole('dup'))).to.equal('name-taken');
    });

    it('finds several by id, skipping unknown ones', async () => {
      const a = aRole('a-role');
      const b = aRole('b-role');
      await roles.insert(a);
      await roles.insert(b);
      const found = await roles.findByIds([a.id, newId(), b.id]);
      expect(found.map((r) => r.name).sort()).to.deep.equal(['a-role', 'b-role']);
      expect(await roles.findByIds([])).to.deep.equal([]);
    });

    it('updates with optimistic concurrency and deletes', async () => {
      const role = aRole('versioned');
      await roles.insert(role);
      const changed = { ...role, description: 'v2', version: 2 };
      expect(await roles.update(changed)).to.equal('saved');
      expect(await roles.update({ ...role, description: 'stale', version: 2 })).to.equal('version-conflict');
      expect(await roles.update({ ...aRole('ghost'), version: 2 })).to.equal('not-found');
      expect(await roles.delete(role.id)).to.equal(true);
      expect(await roles.delete(role.id)).to.equal(false);
      expect(await roles.findById(role.id)).to.equal(null);
    });

    it('lists roles by name', async () => {
      await roles.insert(aRole('zeta'));
      await roles.insert(aRole('alpha'));
      const names = (await roles.list()).map((r) => r.name);
      expect(names).to.deep.equal([...names].sort());
      expect(names).to.include.members(['zeta', 'alpha']);
    });
  });
};

const aKey = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: newId(),
  ownerId: newId(),
  name: 'ci',
  prefix: 'sk_abcdef',
  keyHash: `keyhash-${newId()}`,
  permissions: [{ resource: 'users', action: 'read' }],
  createdAt: at('2026-01-01T00:00:00Z'),
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
});

export const apiKeyRepositoryContract = (name: string, make: () => Promise<ApiKeyRepository>): void => {
  describe(`ApiKeyRepository contract :: ${name}`, () => {
    let keys: ApiKeyRepository;
    beforeEach(async () => {
      keys = await make();
    });

    it('finds a key by id and by hash', async () => {
      const key = aKey();
      await keys.insert(key);
      expect(await keys.findById(key.id)).to.deep.equal(key);
      expect(await keys.findByHash(key.keyHash)).to.deep.equal(key);
      expect(await keys.findByHash('nope')).to.equal(null);
    });

    it("lists an owner's keys newest first, and only theirs", async () => {
      const owner = newId();
      const old = aKey({ ownerId: owner, createdAt: at('2026-01-01T00:00:00Z') });
      const recent = aKey({ ownerId: owner, createdAt: at('2026-02-01T00:00:00Z') });
      await keys.insert(old);
      await keys.insert(recent);
      await keys.insert(aKey());
      expect((await keys.listByOwner(owner)).map((k) => k.id)).to.deep.equal([recent.id, old.id]);
    });

    it("revokes every live key of one owner, and nobody else's", async () => {
      const owner = newId();
      const a = aKey({ ownerId: owner });
      const b = aKey({ ownerId: owner });
      const already = aKey({ ownerId: owner, revokedAt: at('2026-01-02T00:00:00Z') });
      const stranger = aKey();
      for (const k of [a, b, already, stranger]) await keys.insert(k);
      expect(await keys.revokeForOwner(owner, at('2026-05-01T00:00:00Z'))).to.equal(2);
      expect((await keys.findById(a.id))?.revokedAt?.toISOString()).to.equal('2026-05-01T00:00:00.000Z');
      expect((await keys.findById(already.id))?.revokedAt?.toISOString()).to.equal('2026-01-02T00:00:00.000Z');
      expect((await keys.findById(stranger.id))?.revokedAt).to.equal(null);
      expect(await keys.revokeForOwner(owner, at('2026-05-02T00:00:00Z'))).to.equal(0);
    });

    it('revokes once and records use', async () => {
      const key = aKey();
      await keys.insert(key);
      expect(await keys.revoke(key.id, at('2026-05-01T00:00:00Z'))).to.equal(true);
      expect(await keys.revoke(key.id, at('2026-05-02T00:00:00Z'))).to.equal(false);
      await keys.touch(key.id, at('2026-05-03T00:00:00Z'));
      const stored = await keys.findById(key.id);
      expect(stored?.revokedAt?.toISOString()).to.equal('2026-05-01T00:00:00.000Z');
      expect(stored?.lastUsedAt?.toISOString()).to.equal('2026-05-03T00:00:00.000Z');
    });
  });
};

const anEntry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: newId(),
  actorId: newId(),
  action: 'role.created',
  target: { type: 'role', id: newId() },
  after: { name: 'x' },
  requestId: 'req-1',
  at: at('2026-01-01T00:00:00Z'),
  ...overrides,
});

export const auditLogContract = (name: string, make: () => Promise<AuditLog>): void => {
  describe(`AuditLog contract :: ${name}`, () => {
    let log: AuditLog;
    beforeEach(async () => {
      log = await make();
    });

    it('lists newest first with the entry as written', async () => {
      const first = anEntry({ at: at('2026-01-01T00:00:00Z') });
      const second = anEntry({ at: at('2026-01-02T00:00:00Z'), actorId: null, action: 'auth.login.failed', before: { a: 1 } });
      await log.append(first);
      await log.append(second);
      const { items, total } = await log.list({ page: 1, limit: 10 });
      expect(total).to.equal(2);
      expect(items).to.deep.equal([second, first]);
    });

    it('filters by actor and action, and pages', async () => {
      const actor = newId();
      for (let i = 0; i < 5; i++) await log.append(anEntry({ actorId: actor, at: at(`2026-01-0${i + 1}T00:00:00Z`) }));
      await log.append(anEntry({ actorId: actor, action: 'user.deleted' }));
      await log.append(anEntry());
      const page2 = await log.list({ actorId: actor, action: 'role.created', page: 2, limit: 2 });
      expect(page2.total).to.equal(5);
      expect(page2.items.map((e) => e.at.toISOString())).to.deep.equal(['2026-01-03T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
      expect((await log.list({ action: 'user.deleted', page: 1, limit: 10 })).total).to.equal(1);
    });
  });
};
