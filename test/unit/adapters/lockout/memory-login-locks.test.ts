import { MemoryLoginLocks } from '../../../../src/adapters/lockout/memory-login-locks';
import { loginLockStoreContract } from '../../../contract/login-lock-store.contract';

loginLockStoreContract('MemoryLoginLocks', async () => {
  const store = new MemoryLoginLocks();
  // One process: a second handle is the same store.
  return { store, twin: store, hasState: async (id) => store.has(id) };
});
