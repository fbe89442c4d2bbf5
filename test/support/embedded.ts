import type { Container } from 'inversify';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import { buildContainer } from '../../src/infrastructure/container/container';
import { seedAccess } from '../../src/infrastructure/http';
import { silentLogger } from './logger';

/** A fully wired embedded-profile container (memory adapters), seeded; `overrides` swap ports. */
export const embeddedContainer = async (overrides?: (c: Container) => void): Promise<Container> => {
  const runtime = await buildContainer(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_AUTH_MAX: '1000000' }), {
    logger: silentLogger(),
    ...(overrides ? { overrides } : {}),
  });
  await seedAccess(runtime);
  return runtime.container;
};

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';
export const OTHER_STRONG_PASSWORD = 'Violet-Umbrella-Harbor-42';
