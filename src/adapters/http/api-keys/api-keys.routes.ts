import type Router from '@koa/router';
import { createRouter } from '../routing';
import * as t from 'io-ts';
import type { IssueApiKey } from '../../../application/api-keys/issue-api-key';
import type { ListApiKeys } from '../../../application/api-keys/list-api-keys';
import type { RevokeApiKey } from '../../../application/api-keys/revoke-api-key';
import { DateTimeString, decodeOrThrow, ObjectIdString, Str, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { presentApiKey } from '../presenters';
import { PermissionBody } from '../permission.codec';
import { respond } from '../respond';

export const CreateApiKeyBody = strictObject('CreateApiKeyBody', { name: Str(100), permissions: t.array(PermissionBody) }, { expiresAt: t.union([DateTimeString, t.null]) });
export const KeyIdParams = t.type({ id: ObjectIdString });

export interface ApiKeysRoutesDeps {
  readonly issueApiKey: IssueApiKey;
  readonly listApiKeys: ListApiKeys;
  readonly revokeApiKey: RevokeApiKey;
}

export const apiKeysRoutes = ({ issueApiKey, listApiKeys, revokeApiKey }: ApiKeysRoutesDeps): Router => {
  const router = createRouter({ prefix: '/api/api-keys' });
  router.use(requireActor);

  router.post('/', async (ctx) => {
    const body = decodeOrThrow(CreateApiKeyBody, ctx.request.body);
    const result = await issueApiKey.execute(actorOf(ctx), { name: body.name, permissions: body.permissions, expiresAt: body.expiresAt ?? null });
    // The key itself is in this response and nowhere else, ever.
    respond(ctx, result, 201, 'API key created; store the key now, it is not shown again', ({ key, apiKey }) => ({ key, apiKey: presentApiKey(apiKey) }));
  });

  router.get('/', async (ctx) => {
    respond(ctx, await listApiKeys.execute(actorOf(ctx)), 200, 'API keys', (keys) => keys.map(presentApiKey));
  });

  router.delete('/:id', async (ctx) => {
    const { id } = decodeOrThrow(KeyIdParams, ctx.params);
    const result = await revokeApiKey.execute(actorOf(ctx), id);
    respond(ctx, result, 200, 'API key revoked', () => ({ id, revoked: true }));
  });

  return router;
};
