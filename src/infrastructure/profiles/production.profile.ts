import type * as ProductionConnect from './production.connect';
import type { Profile, ProfileInputs } from './shared';

/**
 * The production profile (production.connect.ts), loaded only when it is chosen: its drivers
 * (mongodb, ioredis, bullmq) would cost an embedded process tens of MB it never uses.
 */
export const productionProfile = (inputs: ProfileInputs): Promise<Profile> => {
  // A synchronous require: dynamic import() would go through the ESM loader, which neither the
  // compiled CommonJS nor the test runner's CommonJS hook needs for a file of our own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connectProduction } = require('./production.connect') as typeof ProductionConnect;
  return connectProduction(inputs);
};
