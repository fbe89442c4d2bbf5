import { InMemoryMfaChallengeStore } from '../../../../src/adapters/memory/in-memory-mfa-challenge-store';
import { InMemoryMfaStore } from '../../../../src/adapters/memory/in-memory-mfa-store';
import { mfaChallengeStoreContract, mfaStoreContract } from '../../../contract/mfa.contract';

mfaStoreContract('InMemoryMfaStore', async () => new InMemoryMfaStore());
mfaChallengeStoreContract('InMemoryMfaChallengeStore', async () => new InMemoryMfaChallengeStore());
