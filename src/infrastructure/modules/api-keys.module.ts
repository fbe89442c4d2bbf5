import { ContainerModule } from 'inversify';
import { apiKeysRoutes } from '../../adapters/http/api-keys/api-keys.routes';
import { ManageApiKeys } from '../../application/api-keys/api-keys';
import type { NexusModule } from './module';

export const apiKeysModule: NexusModule = {
  name: 'api-keys',
  bindings: new ContainerModule(({ bind }) => {
    bind(ManageApiKeys).toSelf();
  }),
  routes: (resolve) => apiKeysRoutes(resolve(ManageApiKeys)),
};
