import { InMemoryOutboxStore } from '../../../../src/adapters/memory/in-memory-outbox';
import { outboxStoreContract } from '../../../contract/outbox.contract';

outboxStoreContract('InMemoryOutboxStore', async () => new InMemoryOutboxStore());
