import { ContainerModule } from 'inversify';
import { apiKeysRoutes } from '../../adapters/http/api-keys/api-keys.routes';
import { type ApiKeySettings, ManageApiKeys } from '../../application/api-keys/api-keys';
import { TYPES } from '../../application/symbols';
import type { Config } from '../config/load-config';
import type { NexusModule } from './module';

export const apiKeysModule: NexusModule = {
  name: 'api-keys',
  bindings: new ContainerModule(({ bind }) => {
    bind<ApiKeySettings>(TYPES.ApiKeySettings).toResolvedValue((config: Config) => ({ maxLifetimeDays: config.apiKeys.maxLifetimeDays }), [TYPES.Config]);
    bind(ManageApiKeys).toSelf();
  }),
  routes: (resolve) => apiKeysRoutes(resolve(ManageApiKeys)),
};
