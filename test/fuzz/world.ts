import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Logger } from '../../src/application/ports/logger.port';
import { startTestApp, TEST_JWT_SECRET, USER_PASSWORD, type TestApp } from '../support/test-app';
import { send } from './raw-http';
import { type Snapshot, storesOf, takeSnapshot } from './state-snapshot';

/*
 * The fuzzer's fixtures: an app (embedded profile) with principals who hold real credentials,
 * objects with known ids, and forged credentials. Generated requests name these symbolically
 * (`@@ref:victimId@@`, a credential name), and the names are resolved when the request is sent,
 * so a world rebuilt half-way through a run (because the fuzzer deleted its own admin) serves
 * the same generated requests.
 */

/** Credentials that check out: validation past authentication is exercised with these. */
export const REAL_CREDENTIALS = ['admin', 'user', 'adminKey', 'userKey', 'adminLowercaseBearer'] as const;
/** Credentials that must be refused (401) wherever they are presented. */
export const FORGED_CREDENTIALS = [
  'jwtAlgNone',
  'jwtWrongKey',
  'jwtExpired',
  'jwtUnknownUser',
  'jwtDeletedUser',
  'jwtWrongAudience',
  'jwtWrongIssuer',
  'jwtHs512',
  'jwtTamperedPayload',
  'jwtNoSid',
  'jwtTruncated',
  'bearerEmpty',
  'bearerTwoTokens',
  'basicAuth',
  'keyBogus',
  'keyNoPrefix',
  'keyTooLong',
  'keyRevoked',
  'keyOfDeletedUser',
] as const;
export type CredentialName = 'none' | (typeof REAL_CREDENTIALS)[number] | (typeof FORGED_CREDENTIALS)[number];

/** Ids and secrets the generators may name; `@@ref:<name>@@` in a request becomes the value. */
export const REF_NAMES = [
  'adminId',
  'userId',
  'victimId',
  'deletedUserId',
  'adminRoleId',
  'userRoleId',
  'victimRoleId',
  'adminKeyId',
  'userKeyId',
  'victimKeyId',
  'jobId',
  'victimEmail',
  'victimPassword',
  'userEmail',
  'victimRefresh',
  'spentRefresh',
] as const;
export type RefName = (typeof REF_NAMES)[number];
export const ref = (name: RefName): string => `@@ref:${name}@@`;
/** The same value in upper case (ids are hex: a client may well send them so). */
export const upperRef = (name: RefName): string => `@@REF:${name}@@`;
/** Splits a string around its ref names (the names land at odd indexes). */
export const REF_TOKEN = /(@@(?:ref|REF):\w+@@)/;
/** Refs that name an ObjectId, for ObjectId-shaped fields. */
export const ID_REFS: readonly RefName[] = ['adminId', 'userId', 'victimId', 'deletedUserId', 'adminRoleId', 'userRoleId', 'victimRoleId', 'adminKeyId', 'userKeyId', 'victimKeyId'];
/** Ids the fuzzer's own principals depend on: an accepted change naming one triggers a health check. */
const PRINCIPAL_REFS: readonly RefName[] = ['adminId', 'userId', 'adminRoleId', 'userRoleId', 'adminKeyId', 'userKeyId'];

export interface World {
  readonly app: TestApp;
  readonly refs: Readonly<Record<RefName, string>>;
  readonly credentials: Readonly<Record<CredentialName, Readonly<Record<string, string>>>>;
  snapshot(): Snapshot;
  close(): Promise<void>;
}

const api = async (app: TestApp, method: string, path: string, auth: Record<string, string>, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> => {
  const res = await send(app.baseUrl, {
    method,
    path,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
  });
  const parsed = JSON.parse(res.text) as { data?: Record<string, unknown> };
  if (res.status >= 300) throw new Error(`fixture ${method} ${path} failed: ${res.status} ${res.text}`);
  return { status: res.status, data: parsed.data ?? {} };
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const sign = (claims: Record<string, unknown>, options: { secret?: string; alg?: string; audience?: string; issuer?: string; expiresIn?: string | number; issuedAt?: number } = {}) => {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'nexus')
    .setAudience(options.audience ?? 'nexus-api')
    .setIssuedAt(options.issuedAt)
    .setExpirationTime(options.expiresIn ?? '15m');
  if (typeof claims['sub'] === 'string') jwt = jwt.setSubject(claims['sub']);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

let worlds = 0;

/** A fresh app with its fixtures; about a second (several argon2 hashes). */
export const buildWorld = async (ctx: Mocha.Context, logger: Logger): Promise<World> => {
  const app = await startTestApp(ctx, 'embedded', {}, logger);
  const tag = `fz${++worlds}`;
  try {
    const admin = await app.admin();
    const user = await app.newUser(`${tag}-user`);
    const victim = await app.newUser(`${tag}-victim`);
    const deleted = await app.newUser(`${tag}-deleted`);
    const adminAuth = bearer(admin.accessToken);

    const roles = (await api(app, 'GET', '/api/roles', adminAuth)).data as unknown as { id: string; name: string }[];
    const roleId = (name: string) => roles.find((r) => r.name === name)?.id ?? '';
    const victimRole = await api(app, 'POST', '/api/roles', adminAuth, { name: `${tag}-victim`, permissions: [{ resource: 'users', action: 'read' }] });
    const victimRoleId = victimRole.data['id'] as string;
    await api(app, 'POST', `/api/users/${victim.userId}/roles`, adminAuth, { roleId: victimRoleId });

    const scope = ['users:read', 'users:update', 'roles:read', 'audit:read', 'jobs:read', 'jobs:create'].map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] }));
    const adminKey = await api(app, 'POST', '/api/api-keys', adminAuth, { name: `${tag}-admin`, permissions: scope });
    const userKey = await api(app, 'POST', '/api/api-keys', bearer(user.accessToken), { name: `${tag}-user`, permissions: [] });
    const victimKey = await api(app, 'POST', '/api/api-keys', bearer(victim.accessToken), { name: `${tag}-victim`, permissions: [{ resource: 'users', action: 'read' }] });
    const revokedKey = await api(app, 'POST', '/api/api-keys', bearer(victim.accessToken), { name: `${tag}-revoked`, permissions: [] });
    await api(app, 'DELETE', `/api/api-keys/${(revokedKey.data['apiKey'] as { id: string }).id}`, bearer(victim.accessToken));
    const deletedKey = await api(app, 'POST', '/api/api-keys', bearer(deleted.accessToken), { name: `${tag}-deleted`, permissions: [] });
    await api(app, 'DELETE', `/api/users/${deleted.userId}`, adminAuth);

    const job = await api(app, 'POST', '/api/jobs/email', adminAuth, { to: 'fuzz.fixture@example.com', subject: 'fixture', body: 'fixture' });

    // A spent refresh token: presenting it again is reuse (its family is revoked, by design).
    const spent = await app.login(victim.email, victim.password);
    await api(app, 'POST', '/api/auth/refresh', {}, { refreshToken: spent.refreshToken });
    const live = await app.login(victim.email, victim.password);

    const refs: Record<RefName, string> = {
      adminId: admin.userId,
      userId: user.userId,
      victimId: victim.userId,
      deletedUserId: deleted.userId,
      adminRoleId: roleId('admin'),
      userRoleId: roleId('user'),
      victimRoleId,
      adminKeyId: (adminKey.data['apiKey'] as { id: string }).id,
      userKeyId: (userKey.data['apiKey'] as { id: string }).id,
      victimKeyId: (victimKey.data['apiKey'] as { id: string }).id,
      jobId: String(job.data['jobId']),
      victimEmail: victim.email,
      victimPassword: USER_PASSWORD,
      userEmail: user.email,
      victimRefresh: live.refreshToken,
      spentRefresh: spent.refreshToken,
    };

    const [header, payload] = admin.accessToken.split('.') as [string, string, string];
    const adminClaims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const sid = adminClaims['sid'];
    const credentials: Record<CredentialName, Record<string, string>> = {
      none: {},
      admin: adminAuth,
      user: bearer(user.accessToken),
      adminKey: { 'x-api-key': adminKey.data['key'] as string },
      userKey: { 'x-api-key': userKey.data['key'] as string },
      adminLowercaseBearer: { authorization: `bearer ${admin.accessToken}` },
      jwtAlgNone: bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...adminClaims })}.`),
      jwtWrongKey: bearer(await sign({ sub: admin.userId, sid }, { secret: randomBytes(32).toString('hex') })),
      jwtExpired: bearer(await sign({ sub: admin.userId, sid }, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresIn: Math.floor(Date.now() / 1000) - 3600 })),
      jwtUnknownUser: bearer(await sign({ sub: 'aaaaaaaaaaaaaaaaaaaaaaaa', sid })),
      jwtDeletedUser: bearer(await sign({ sub: deleted.userId, sid })),
      jwtWrongAudience: bearer(await sign({ sub: admin.userId, sid }, { audience: 'someone-else' })),
      jwtWrongIssuer: bearer(await sign({ sub: admin.userId, sid }, { issuer: 'evil' })),
      jwtHs512: bearer(await sign({ sub: admin.userId, sid }, { alg: 'HS512' })),
      jwtTamperedPayload: bearer(`${header}.${b64({ ...adminClaims, sub: user.userId })}.${user.accessToken.split('.')[2]}`),
      jwtNoSid: bearer(await sign({ sub: admin.userId })),
      jwtTruncated: bearer(admin.accessToken.slice(0, -5)),
      bearerEmpty: { authorization: 'Bearer ' },
      bearerTwoTokens: { authorization: `Bearer ${admin.accessToken} ${admin.accessToken}` },
      basicAuth: { authorization: `Basic ${Buffer.from('root@nexus.test:x').toString('base64')}` },
      keyBogus: { 'x-api-key': `sk_${randomBytes(32).toString('base64url')}` },
      keyNoPrefix: { 'x-api-key': (adminKey.data['key'] as string).slice(3) },
      keyTooLong: { 'x-api-key': `${adminKey.data['key'] as string}${'A'.repeat(200)}` },
      keyRevoked: { 'x-api-key': revokedKey.data['key'] as string },
      keyOfDeletedUser: { 'x-api-key': deletedKey.data['key'] as string },
    };

    const stores = storesOf(app.runtime.container);
    if (![...stores.keys()].some((k) => k.startsWith('UserRepository'))) throw new Error('the embedded container has no in-memory UserRepository to snapshot');
    return { app, refs, credentials, snapshot: () => takeSnapshot(stores), close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
};

/** Replaces every `@@ref:name@@` in `s` with the world's value. */
export const resolveRefs = (s: string, world: World): string =>
  s.replace(/@@(ref|REF):(\w+)@@/g, (whole, kind: string, name: string) => {
    const value = (world.refs as Record<string, string>)[name];
    if (value === undefined) return whole;
    return kind === 'REF' ? value.toUpperCase() : value;
  });

/** Does this text name one of the ids the fuzzer's own principals depend on? */
export const touchesPrincipals = (text: string, world: World): boolean => {
  const lower = text.toLowerCase();
  return PRINCIPAL_REFS.some((r) => lower.includes(world.refs[r].toLowerCase()));
};

/**
 * Do the principals still work (admin still holds `*:*`, the user and both keys still sign in)?
 * The fuzzer may legitimately delete, suspend or demote its own admin, revoke its own key or
 * rewrite a built-in role; then it needs a new world to keep reaching past authentication.
 */
export const principalsIntact = async (world: World): Promise<boolean> => {
  for (const name of ['admin', 'user', 'adminKey', 'userKey'] as const) {
    const res = await send(world.app.baseUrl, { method: 'GET', path: '/api/auth/me', headers: world.credentials[name] });
    // The user's key is scoped to nothing, so /me is a 403 for it: authenticated, which is what counts.
    if (res.status !== 200 && !(name === 'userKey' && res.status === 403)) return false;
    if (name === 'admin') {
      const perms = (JSON.parse(res.text) as { data: { permissions: { resource: string; action: string }[] } }).data.permissions;
      if (!perms.some((p) => p.resource === '*' && p.action === '*')) return false;
    }
  }
  return true;
};
