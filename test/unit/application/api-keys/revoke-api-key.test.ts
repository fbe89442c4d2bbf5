import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { CryptoSecretTokens } from '../../../../src/adapters/security/crypto-secret-tokens';
import { IssueApiKey } from '../../../../src/application/api-keys/issue-api-key';
import { RevokeApiKey } from '../../../../src/application/api-keys/revoke-api-key';
import type { Actor } from '../../../../src/domain/auth/actor';
import { type InMemoryRoles, inMemoryRoles, keyActor, tagOf, tokenActor } from '../../../support/in-memory-roles';

const revokeApiKey = (k: InMemoryRoles) => new RevokeApiKey(k.apiKeys, k.audit, k.clock);
const aKeyOf = async (k: InMemoryRoles, owner: Actor): Promise<string> => {
  const made = await new IssueApiKey(k.apiKeys, new CryptoSecretTokens(), k.audit, k.ids, k.clock, { maxLifetimeDays: 365 }).execute(owner, { name: 'ci', permissions: [] });
  if (E.isLeft(made)) throw new Error(made.left._tag);
  return made.right.apiKey.id;
};

describe('ApiKeys :: RevokeApiKey', () => {
  it('refuses an API key actor, whatever its scope: keys never manage credentials', async () => {
    const k = await inMemoryRoles();
    const owner = await k.anAccount([k.builtIn.admin.id]);
    const id = await aKeyOf(k, tokenActor(owner));
    expect(tagOf(await revokeApiKey(k).execute(keyActor(owner), id))).to.equal('ApiKeyCannotManageCredentials');
    expect((await k.apiKeys.findById(id))?.revokedAt).to.equal(null);
  });

  it('reports someone else\'s key exactly like a missing one', async () => {
    const k = await inMemoryRoles();
    const id = await aKeyOf(k, tokenActor(await k.anAccount()));
    const stranger = tokenActor(await k.anAccount());
    const result = await revokeApiKey(k).execute(stranger, id);
    expect(E.isLeft(result) && result.left).to.deep.equal({ _tag: 'ApiKeyNotFound', keyId: id });
  });

  it('revokes the owner\'s key once, and records it', async () => {
    const k = await inMemoryRoles();
    const owner = tokenActor(await k.anAccount());
    const id = await aKeyOf(k, owner);
    expect(tagOf(await revokeApiKey(k).execute(owner, id))).to.equal('Right');
    expect((await k.apiKeys.findById(id))?.revokedAt?.getTime()).to.equal(k.clock.now().getTime());
    expect(tagOf(await revokeApiKey(k).execute(owner, id))).to.equal('ApiKeyNotFound');
    expect((await k.auditLog.list({ action: 'apikey.revoked', page: 1, limit: 10 })).total).to.equal(1);
  });
});
