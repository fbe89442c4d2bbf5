import { ContainerModule } from 'inversify';
import { apiKeysRoutes } from '../../adapters/http/api-keys/api-keys.routes';
import { type ApiKeySettings, IssueApiKey } from '../../application/api-keys/issue-api-key';
import { ListApiKeys } from '../../application/api-keys/list-api-keys';
import { RevokeApiKey } from '../../application/api-keys/revoke-api-key';
import { TYPES } from '../../application/symbols';
import type { Config } from '../config/load-config';
import type { NexusModule } from './module';

export const apiKeysModule: NexusModule = {
  name: 'api-keys',
  bindings: new ContainerModule(({ bind }) => {
    bind<ApiKeySettings>(TYPES.ApiKeySettings).toResolvedValue((config: Config) => ({ maxLifetimeDays: config.apiKeys.maxLifetimeDays }), [TYPES.Config]);
    for (const useCase of <const>[IssueApiKey, ListApiKeys, RevokeApiKey]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve) => apiKeysRoutes({ issueApiKey: resolve(IssueApiKey), listApiKeys: resolve(ListApiKeys), revokeApiKey: resolve(RevokeApiKey) }),
};
