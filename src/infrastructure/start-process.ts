import type { Logger } from '../application/ports/logger.port';
import { type Config, ConfigError, loadConfig } from './config/load-config';
import { EXIT_CONFIG, EXIT_UNAVAILABLE, failStartup } from './lifecycle';
import { WinstonLogger } from './logger';
import { createNexus, type Nexus, type ProcessRole, SeedFailed } from './nexus';

/**
 * The start-up both entry points share: configuration (exit 78 listing every problem), the
 * logger, then the composition (exit 69 when a dependency cannot be reached, 78 when seeding
 * the first admin is refused).
 */
export const startProcess = async (
  role: Exclude<ProcessRole, 'all'>,
  draining: (() => boolean) | undefined,
  announce: (config: Config, logger: Logger) => void,
): Promise<{ config: Config; logger: Logger; nexus: Nexus }> => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return failStartup(undefined, err.message, EXIT_CONFIG);
    throw err;
  }
  const logger = new WinstonLogger({ level: config.log.level, format: config.log.format, service: role === 'api' ? 'nexus-api' : 'nexus-worker' });
  announce(config, logger);
  const nexus = await createNexus(config, { logger, role, ...(draining ? { draining } : {}) }).catch((err: Error) =>
    failStartup(logger, `start-up failed: ${err.message}`, err instanceof SeedFailed ? EXIT_CONFIG : EXIT_UNAVAILABLE),
  );
  return { config, logger, nexus };
};
