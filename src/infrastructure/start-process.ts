import { createRequire } from 'node:module';
import type { Logger } from '../application/ports/logger.port';
import { type Config, ConfigError, loadConfig } from './config/load-config';
import { EXIT_CONFIG, EXIT_UNAVAILABLE, failStartup } from './lifecycle';
import { WinstonLogger } from './logger';
import { createNexus, type Nexus, type ProcessRole, SeedFailed } from './nexus';

/**
 * cron-parser's date library, luxon, asks the runtime for the machine's locale the first time it
 * builds a date (`new Intl.DateTimeFormat().resolvedOptions()`): a default date format pages about
 * 6 MB of ICU's locale and calendar data into the process for good, for a locale that cron
 * arithmetic never uses. Given one (en-US, luxon's own fallback), it never asks. Set on the luxon
 * that cron-parser itself loads, whatever copy npm gave it.
 */
const pinDateLibraryLocale = (): void => {
  const luxon = createRequire(require.resolve('cron-parser'))('luxon') as { Settings: { defaultLocale: string } };
  luxon.Settings.defaultLocale = 'en-US';
};

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
  pinDateLibraryLocale();
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
