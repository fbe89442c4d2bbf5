import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { CryptoSecretTokens } from '../../../../src/adapters/security/crypto-secret-tokens';
import { IssueApiKey } from '../../../../src/application/api-keys/issue-api-key';
import { ListApiKeys } from '../../../../src/application/api-keys/list-api-keys';
import { inMemoryRoles, keyActor, tokenActor } from '../../../support/in-memory-roles';

describe('ApiKeys :: ListApiKeys', () => {
  it('lists the caller\'s own keys only, to a person or to one of their keys', async () => {
    const k = await inMemoryRoles();
    const issue = new IssueApiKey(k.apiKeys, new CryptoSecretTokens(), k.audit, k.ids, k.clock, { maxLifetimeDays: 365 });
    const [owner, other] = [await k.anAccount(), await k.anAccount()];
    await issue.execute(tokenActor(owner), { name: 'mine', permissions: [] });
    await issue.execute(tokenActor(other), { name: 'theirs', permissions: [] });
    for (const actor of [tokenActor(owner), keyActor(owner)]) {
      const listed = await new ListApiKeys(k.apiKeys).execute(actor);
      expect(E.isRight(listed) && listed.right.map((key) => key.name)).to.deep.equal(['mine']);
    }
  });
});
