import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { CryptoSecretTokens } from '../../../../src/adapters/security/crypto-secret-tokens';
import { IssueApiKey } from '../../../../src/application/api-keys/issue-api-key';
import { type InMemoryRoles, inMemoryRoles, keyActor, tagOf, tokenActor } from '../../../support/in-memory-roles';

const DAY_MS = 86_400_000;
const secrets = new CryptoSecretTokens();
const issueApiKey = (k: InMemoryRoles, maxLifetimeDays = 365) => new IssueApiKey(k.apiKeys, secrets, k.audit, k.ids, k.clock, { maxLifetimeDays });

describe('ApiKeys :: IssueApiKey', () => {
  it('refuses an API key actor, whatever its scope: keys never manage credentials', async () => {
    const k = await inMemoryRoles();
    const owner = await k.anAccount([k.builtIn.admin.id]);
    expect(tagOf(await issueApiKey(k).execute(keyActor(owner), { name: 'more', permissions: [] }))).to.equal('ApiKeyCannotManageCredentials');
    expect(await k.apiKeys.listByOwner(owner.id)).to.deep.equal([]);
  });

  it('refuses a scope the owner does not hold (CannotGrant)', async () => {
    const k = await inMemoryRoles();
    const owner = tokenActor(await k.anAccount(), [{ resource: 'users', action: 'read' }]);
    expect(tagOf(await issueApiKey(k).execute(owner, { name: 'ci', permissions: [{ resource: 'users', action: 'delete' }] }))).to.equal('CannotGrant');
  });

  it('caps key lifetime at API_KEY_MAX_DAYS, and gives a key asked for without expiry exactly that', async () => {
    const k = await inMemoryRoles();
    const owner = tokenActor(await k.anAccount());
    const open = await issueApiKey(k, 30).execute(owner, { name: 'open', permissions: [] });
    if (E.isLeft(open)) throw new Error(open.left._tag);
    expect(open.right.apiKey.expiresAt!.getTime() - open.right.apiKey.createdAt.getTime()).to.equal(30 * DAY_MS);
    const long = await issueApiKey(k, 30).execute(owner, { name: 'long', permissions: [], expiresAt: new Date(k.clock.now().getTime() + 31 * DAY_MS) });
    expect(E.isLeft(long) && long.left._tag === 'ValidationFailed' && long.left.errors).to.deep.equal([{ path: 'expiresAt', message: 'must be at most 30 days from now' }]);
    const past = await issueApiKey(k, 30).execute(owner, { name: 'past', permissions: [], expiresAt: new Date(k.clock.now().getTime() - 1) });
    expect(E.isLeft(past) && past.left._tag === 'ValidationFailed' && past.left.errors).to.deep.equal([{ path: 'expiresAt', message: 'must be in the future' }]);
  });

  it('returns the key once and keeps only its digest, then records the issue', async () => {
    const k = await inMemoryRoles();
    const owner = tokenActor(await k.anAccount());
    const made = await issueApiKey(k).execute(owner, { name: 'ci', permissions: [] });
    if (E.isLeft(made)) throw new Error(made.left._tag);
    expect(made.right.key).to.match(/^sk_/);
    const stored = await k.apiKeys.findById(made.right.apiKey.id);
    expect(stored?.keyHash).to.equal(secrets.digest(made.right.key)).and.not.equal(made.right.key);
    expect((await k.auditLog.list({ action: 'apikey.created', page: 1, limit: 10 })).total).to.equal(1);
  });
});
