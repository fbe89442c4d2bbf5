import { expect } from 'chai';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/load-config';
import { colorsByDefault, WinstonLogger } from '../../../src/infrastructure/logger';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env, { terminal: false });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const ESC = '\u001b[';

const written = (options: { format: 'json' | 'pretty'; colors?: boolean }): string => {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  const logger = new WinstonLogger({ level: 'info', service: 'test', stream, ...options });
  logger.warn('disk almost full', { freeBytes: 1024 });
  return out;
};

describe('Infrastructure :: operator defaults', () => {
  describe('log format', () => {
    const format = (env: Record<string, string>, terminal: boolean) => loadConfig(env, { terminal }).log.format;

    it('is JSON whenever stdout is not a terminal (a file, a pipe, a container log), in every environment', () => {
      expect(format({}, false)).to.equal('json');
      expect(format({ NODE_ENV: 'development' }, false)).to.equal('json');
      expect(format({ NODE_ENV: 'test' }, false)).to.equal('json');
    });

    it('is JSON in production even at a terminal, and readable lines for a person at a terminal otherwise', () => {
      expect(format({ NODE_ENV: 'production', JWT_SECRET: 'a3f1c9e07b5d42e8916f0c2d7a4b8e35f6091d2c7e4a8b3f5d60c1e9a7b2f48d' }, true)).to.equal('json');
      expect(format({}, true)).to.equal('pretty');
    });

    it('is what LOG_FORMAT says when it is set', () => {
      expect(format({ LOG_FORMAT: 'pretty' }, false)).to.equal('pretty');
      expect(format({ LOG_FORMAT: 'json' }, true)).to.equal('json');
    });

    it('colours readable lines only when asked, or by default for a terminal on stdout', () => {
      const plain = written({ format: 'pretty' });
      expect(plain).to.include('warn disk almost full {"freeBytes":1024}');
      expect(plain).to.not.include(ESC);
      expect(written({ format: 'pretty', colors: true })).to.include(ESC);
      expect(written({ format: 'json', colors: true })).to.not.include(ESC);
      // A stream given by the caller (a file, a test) is never coloured by default.
      expect(colorsByDefault({ stream: process.stdout })).to.equal(false);
      expect(colorsByDefault({})).to.equal(process.stdout.isTTY === true && !process.env['NO_COLOR']);
    });
  });

  describe('the report schedule', () => {
    it('refuses an unknown REPORT_TIMEZONE alone, in one line naming it', () => {
      expect(problemsOf({ REPORT_TIMEZONE: 'Mars/Olympus' })).to.deep.equal(['REPORT_TIMEZONE: must be an IANA time zone such as UTC or Europe/Paris (got "Mars/Olympus")']);
      expect(problemsOf({ REPORT_TIMEZONE: 'Europe/Pariss' })).to.have.length(1);
    });

    it('refuses a REPORT_CRON that is not a cron expression alone, in one line naming it and the reason', () => {
      for (const cron of ['61 * * * *', 'bogus', '0 9 * * 1 2 3', '0 0 30 2 *']) {
        const problems = problemsOf({ REPORT_CRON: cron });
        expect(problems, cron).to.have.length(1);
        expect(problems[0], cron).to.match(/^REPORT_CRON: must be a cron expression such as "0 9 \* \* 1" .*: .+ \(got ".+"\)$/);
      }
    });

    it('reports a bad time zone and a bad cron expression as two problems, with every other one', () => {
      const problems = problemsOf({ REPORT_TIMEZONE: 'Nowhere', REPORT_CRON: 'every monday', PORT: 'eighty', JOB_BACKOFF_EMAIL: 'soon' });
      expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).to.deep.equal(['JOB_BACKOFF_EMAIL', 'PORT', 'REPORT_CRON', 'REPORT_TIMEZONE']);
    });

    it('accepts IANA zones and the cron forms the queues accept', () => {
      for (const env of [{ REPORT_TIMEZONE: 'Europe/Paris' }, { REPORT_TIMEZONE: 'America/Argentina/Buenos_Aires', REPORT_CRON: '30 8 * * 1-5' }, { REPORT_CRON: '@weekly' }, { REPORT_CRON: '0 0 9 * * 1' }]) {
        expect(problemsOf(env), JSON.stringify(env)).to.deep.equal([]);
      }
    });
  });
});
