import { InMemoryLeases } from '../../../../src/adapters/memory/in-memory-leases';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { leasesContract, roleHoldersContract } from '../../../contract/leases.contract';

leasesContract('InMemoryLeases', async (clock) => new InMemoryLeases(clock.now));
roleHoldersContract('InMemoryUserRepository', async () => new InMemoryUserRepository());
