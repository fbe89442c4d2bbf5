import { expect } from 'chai';
import fc from 'fast-check';
import supertest from 'supertest';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import { pagination } from '../../../src/domain/shared/pagination';
import { aUser } from '../../support/builders/user.builder';
import { embeddedNexus, STRONG_PASSWORD } from '../../support/embedded';

/** Every argument a repository method received, so we can look for operators in them. */
const spyOn = (target: UserRepository, seen: unknown[]): UserRepository =>
  new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        seen.push(...args);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });

const hasOperatorKey = (value: unknown, depth = 0): boolean => {
  if (value === null || typeof value !== 'object' || depth > 40 || value instanceof Date) return false;
  return Object.entries(value).some(([k, v]) => k.startsWith('$') || k.includes('.') || hasOperatorKey(v, depth + 1));
};

const operatorKey = fc.oneof(
  fc.constantFrom('$ne', '$gt', '$regex', '$where', '$or', '$in', '$expr', 'a.b', 'profile.$x'),
  fc.string({ minLength: 1, maxLength: 6 }).map((s) => `$${s}`),
);
const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
/** JSON in which at least one key, somewhere, is an operator or a dotted path. */
const poisoned = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 3 })),
})).node.chain((inner) => fc.tuple(operatorKey, fc.constantFrom('email', 'password', 'name', 'age', 'status'), fc.constant(inner)).map(([op, field, v]) => ({ [field]: { [op]: v } })));

describe('Properties :: input safety and pagination', function () {
  this.timeout(120_000);
  let http: supertest.Agent;
  let admin: string;
  let userId: string;
  const seen: unknown[] = [];

  before(async () => {
    const nexus = await embeddedNexus({ users: spyOn(new InMemoryUserRepository(), seen) });
    http = supertest.agent(nexus.http!.callback());
    await http.post('/api/auth/register').send({ name: 'Prop Admin', email: 'prop@example.com', password: STRONG_PASSWORD }).expect(201);
    const login = await http.post('/api/auth/login').send({ email: 'prop@example.com', password: STRONG_PASSWORD }).expect(200);
    userId = login.body.data.user.id;
    admin = `Bearer ${login.body.data.accessToken}`;
  });

  it('never lets a body with an operator or dotted key reach a repository, and answers 400', async () => {
    await fc.assert(
      fc.asyncProperty(poisoned, fc.constantFrom('register', 'login', 'patch'), async (body, route) => {
        seen.length = 0;
        const req =
          route === 'register'
            ? http.post('/api/auth/register').send({ name: 'N', email: 'n@example.com', password: STRONG_PASSWORD, ...body })
            : route === 'login'
              ? http.post('/api/auth/login').send({ email: 'prop@example.com', password: STRONG_PASSWORD, ...body })
              : http.patch(`/api/users/${userId}`).set('Authorization', admin).send(body);
        const res = await req;
        expect(res.status).to.equal(400);
        expect(seen.some((arg) => hasOperatorKey(arg))).to.equal(false);
      }),
      { numRuns: 150 },
    );
  });

  it('never lets any decodable body carry an object where a scalar belongs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('name', 'email', 'age', 'status'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), async (body) => {
        seen.length = 0;
        const res = await http.patch(`/api/users/${userId}`).set('Authorization', admin).send(body);
        expect(res.status).to.be.oneOf([200, 400, 409]);
        expect(seen.some((arg) => hasOperatorKey(arg))).to.equal(false);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps pagination metadata consistent for any page, limit and total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1_000_000 }), (page, limit, total) => {
        const p = pagination(page, limit, total);
        expect(p.totalPages).to.equal(Math.ceil(total / limit));
        expect(p.totalPages * limit).to.be.at.least(total);
        expect((p.totalPages - 1) * limit).to.be.below(Math.max(total, 1));
        expect(p.hasNextPage).to.equal(page < p.totalPages);
        expect(p.hasPrevPage).to.equal(page > 1);
        expect(p).to.include({ currentPage: page, itemsPerPage: limit, totalItems: total });
      }),
      { numRuns: 2000 },
    );
  });

  it('returns the page the metadata describes, with no item on two pages', async () => {
    const repo = new InMemoryUserRepository();
    const total = 37;
    for (let i = 0; i < total; i++) await repo.insert(aUser());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 15 }), async (page, limit) => {
        const { items, total: counted } = await repo.list({ from: { page }, withTotal: true, limit, sortBy: 'email', sortOrder: 'asc' });
        expect(counted).to.equal(total);
        expect(items.length).to.equal(Math.max(0, Math.min(limit, total - (page - 1) * limit)));
        const next = await repo.list({ from: { page: page + 1 }, withTotal: true, limit, sortBy: 'email', sortOrder: 'asc' });
        const ids = new Set(items.map((u) => u.id));
        expect(next.items.some((u) => ids.has(u.id))).to.equal(false);
      }),
      { numRuns: 200 },
    );
  });
});
