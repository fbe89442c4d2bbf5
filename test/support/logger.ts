import { Writable } from 'node:stream';
import { WinstonLogger } from '../../src/infrastructure/logger';
import type { Logger } from '../../src/application/ports/logger.port';

/** A logger that writes nothing (set LOG_LEVEL to see a test's lines on stdout). */
export const silentLogger = (): Logger =>
  process.env['TEST_LOG_LEVEL']
    ? new WinstonLogger({ level: process.env['TEST_LOG_LEVEL'], format: 'pretty', service: 'test' })
    : new WinstonLogger({ level: 'error', format: 'json', service: 'test', silent: true });

/** A real WinstonLogger whose JSON lines are kept for assertions. */
export const capturingLogger = (): { logger: Logger; lines: () => Record<string, unknown>[]; raw: () => string } => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = new WinstonLogger({ level: 'debug', format: 'json', service: 'test', stream });
  const raw = () => chunks.join('');
  const lines = () =>
    raw()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, raw };
};
