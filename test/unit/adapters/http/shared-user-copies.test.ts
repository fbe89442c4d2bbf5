import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import Koa from 'koa';
import request from 'supertest';
import { reply } from '../../../../src/adapters/http/envelope';
import { presentUser } from '../../../../src/adapters/http/users/users.presenter';
import { CachedUserLookup } from '../../../../src/application/users/cached-user-lookup';
import type { User, UserId } from '../../../../src/domain/users/user';
import { silentLogger } from '../../../support/logger';

const USER: User = {
  id: '6b0cffd059a9b604bb7adf04' as UserId,
  name: 'Ada',
  email: 'ada@example.com' as User['email'],
  age: 36,
  status: 'active',
  emailVerified: true,
  emailVerifiedAt: new Date('2026-06-01T12:00:00.000Z'),
  roleIds: ['6b0cffd059a9b604bb7adf01'],
  isDeleted: false,
  deletedAt: null,
  createdAt: new Date('2026-05-01T12:00:00.000Z'),
  updatedAt: new Date('2026-05-02T12:00:00.000Z'),
  version: 3,
};

const VIEW = {
  id: USER.id,
  name: 'Ada',
  email: 'ada@example.com',
  emailVerified: true,
  emailVerifiedAt: '2026-06-01T12:00:00.000Z',
  age: 36,
  status: 'active',
  roleIds: ['6b0cffd059a9b604bb7adf01'],
  createdAt: '2026-05-01T12:00:00.000Z',
  updatedAt: '2026-05-02T12:00:00.000Z',
};

describe('Adapters :: http :: users read from a shared cache copy', () => {
  it('a frozen cache entry gives every reader one frozen user, and that user one frozen view', async () => {
    const cache = new InMemoryCache();
    const lookup = new CachedUserLookup(new InMemoryUserRepository(), cache, silentLogger());
    await cache.set(`user:${USER.id}`, { ...USER, createdAt: USER.createdAt.toISOString(), updatedAt: USER.updatedAt.toISOString(), emailVerifiedAt: USER.emailVerifiedAt!.toISOString() }, 60);
    const [a, b] = [await lookup.find(USER.id), await lookup.find(USER.id)];
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('not found');
    expect(a.right).to.equal(b.right);
    expect(Object.isFrozen(a.right)).to.equal(true);
    expect(a.right).to.deep.equal(USER);
    const view = presentUser(a.right);
    expect(presentUser(b.right)).to.equal(view);
    expect(Object.isFrozen(view)).to.equal(true);
    expect(view).to.deep.equal(VIEW);
  });

  it('a changed entry is a new user with a new view', async () => {
    const cache = new InMemoryCache();
    const lookup = new CachedUserLookup(new InMemoryUserRepository(), cache, silentLogger());
    const entry = (u: User) => ({ ...u, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString(), emailVerifiedAt: null, emailVerified: false });
    await cache.set(`user:${USER.id}`, entry(USER), 60);
    const before = await lookup.find(USER.id);
    await cache.set(`user:${USER.id}`, entry({ ...USER, name: 'Ada L.', version: 4 }), 60);
    const after = await lookup.find(USER.id);
    if (E.isLeft(before) || E.isLeft(after)) throw new Error('not found');
    expect(after.right).to.not.equal(before.right);
    expect(presentUser(after.right).name).to.equal('Ada L.');
    expect(presentUser(before.right).name).to.equal('Ada');
  });

  it('a user of its own (not frozen) is presented afresh each time, with the same view', () => {
    const first = presentUser(USER);
    const second = presentUser(USER);
    expect(first).to.not.equal(second);
    expect(Object.isFrozen(first)).to.equal(false);
    expect(first).to.deep.equal(VIEW);
    expect(second).to.deep.equal(VIEW);
  });

  it('sends a shared view\'s envelope as Koa would send it, once serialised, for each status and message', async () => {
    const cache = new InMemoryCache();
    const lookup = new CachedUserLookup(new InMemoryUserRepository(), cache, silentLogger());
    await cache.set(`user:${USER.id}`, { ...USER, createdAt: USER.createdAt.toISOString(), updatedAt: USER.updatedAt.toISOString(), emailVerifiedAt: USER.emailVerifiedAt!.toISOString() }, 60);
    const found = await lookup.find(USER.id);
    if (E.isLeft(found)) throw new Error('not found');
    const view = presentUser(found.right);
    const app = new Koa().use((ctx) => {
      if (ctx.path === '/shared') reply(ctx, 200, 'User found', view);
      else if (ctx.path === '/other') reply(ctx, 201, 'User created', view);
      else reply(ctx, 200, 'User found', { ...view });
    });
    const [shared, again, plain, other] = [await request(app.callback()).get('/shared'), await request(app.callback()).get('/shared'), await request(app.callback()).get('/plain'), await request(app.callback()).get('/other')];
    for (const r of [shared, again, plain]) {
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/json; charset=utf-8');
      expect(r.text).to.equal(JSON.stringify({ success: true, statusCode: 200, message: 'User found', data: VIEW }));
    }
    expect(other.status).to.equal(201);
    expect(other.body).to.deep.equal({ success: true, statusCode: 201, message: 'User created', data: VIEW });
    expect(shared.headers['content-length']).to.equal(plain.headers['content-length']);
  });
});
