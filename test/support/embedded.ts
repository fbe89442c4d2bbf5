import type { Container } from 'inversify';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import { type Adapters, createNexus, type Nexus } from '../../src/infrastructure/nexus';
import { FastPasswordHasher } from './fast-hasher';
import { silentLogger } from './logger';

const UNIT_ENV = { NODE_ENV: 'test', JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_AUTH_MAX: '1000000' };

/**
 * A whole embedded-profile Nexus (memory adapters), seeded and running its jobs; `adapters` swap
 * ports. Passwords are hashed by the fast test double (held to the same contract as argon2), so
 * use-case tests run in milliseconds; pass `passwordHasher` to measure the real one.
 */
export const embeddedNexus = (adapters: Partial<Adapters> = {}, rebind?: (container: Container) => void): Promise<Nexus> =>
  createNexus(loadConfig(UNIT_ENV), { logger: silentLogger(), role: 'all', adapters: { passwordHasher: new FastPasswordHasher(), ...adapters }, ...(rebind ? { rebind } : {}) });

/** The container of an embedded Nexus, for tests that drive use cases directly. */
export const embeddedContainer = async (adapters: Partial<Adapters> = {}, rebind?: (container: Container) => void): Promise<Container> =>
  (await embeddedNexus(adapters, rebind)).container;

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';
export const OTHER_STRONG_PASSWORD = 'Violet-Umbrella-Harbor-42';
