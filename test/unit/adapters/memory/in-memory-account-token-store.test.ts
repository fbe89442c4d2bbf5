import { InMemoryAccountTokenStore } from '../../../../src/adapters/memory/in-memory-account-token-store';
import { accountTokenStoreContract } from '../../../contract/account-token-store.contract';

accountTokenStoreContract('InMemoryAccountTokenStore', async () => new InMemoryAccountTokenStore());
