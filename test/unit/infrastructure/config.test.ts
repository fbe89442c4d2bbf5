import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/load-config';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('Infrastructure :: configuration', () => {
  it('defaults to the embedded profile on port 3000', () => {
    const config = loadConfig({});
    expect(config.profile).to.equal('embedded');
    expect(config.http.port).to.equal(3000);
    expect(config.jobs.retry.email.backoffMs).to.deep.equal([60_000, 300_000, 900_000, 3_600_000, 21_600_000]);
  });

  it('chooses the production profile when MongoDB and Redis are both given', () => {
    const config = loadConfig({ MONGO_URL: 'mongodb://db:27017', REDIS_URL: 'redis://cache:6379' });
    expect(config.profile).to.equal('production');
    expect(config.mongo?.dbName).to.equal('nexus');
  });

  it('lists every bad variable in one error', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', MONGO_URL: 'http://x', JOB_BACKOFF_EMAIL: '1s,2s' });
    expect(problems).to.have.length(4);
    expect(problems.join('\n')).to.include('PORT: must be a whole number from 0 to 65535').and.include('LOG_LEVEL').and.include('MONGO_URL').and.include('JOB_BACKOFF_EMAIL');
  });

  it('reads TRUST_PROXY as a number of trusted proxy hops: false is none, true is one', () => {
    const hops = (value?: string) => loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).http.trustProxyHops;
    expect([hops(), hops('false'), hops('0'), hops('true'), hops('TRUE'), hops('1'), hops('2'), hops(' 3 ')]).to.deep.equal([0, 0, 0, 1, 1, 1, 2, 3]);
  });

  it('refuses a TRUST_PROXY that is neither a boolean nor a number of hops, naming it', () => {
    for (const bad of ['yes', '-1', '1.5', '101', 'loopback']) {
      expect(problemsOf({ TRUST_PROXY: bad }), bad).to.deep.equal([`TRUST_PROXY: must be false, true or a number of trusted proxy hops from 0 to 100 (got "${bad}")`]);
    }
  });

  it('refuses half a production profile', () => {
    expect(problemsOf({ MONGO_URL: 'mongodb://db:27017' })).to.deep.equal(['MONGO_URL and REDIS_URL (or REDIS_CLUSTER_NODES): set both (production profile) or neither (embedded profile)']);
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).to.deep.equal(['JWT_SECRET: is required when NODE_ENV=production']);
  });

  it('never echoes a secret it refuses', () => {
    const problems = problemsOf({ JWT_SECRET: 'short-secret-value' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.not.include('short-secret-value');
  });

  context('with NODE_ENV=production', () => {
    const STRONG = '3f9c1b7e5a2d48c06e1f97b3a5d20c8e4b7a19f6d3c25e08a1b4f7c9e2d6a305';
    const COMPOSE_DEFAULT = 'change-me-change-me-change-me-change-me';

    it('accepts a secret made by openssl rand -hex 32', () => {
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG }).auth.jwtSecret).to.equal(STRONG);
    });

    it('refuses the old compose default JWT_SECRET, naming the variable and never the value', () => {
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: COMPOSE_DEFAULT });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^JWT_SECRET: /).and.include('openssl rand -hex 32');
      expect(problems.join('\n')).to.not.include('change-me');
    });

    it('refuses a weak METRICS_TOKEN too', () => {
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: STRONG, METRICS_TOKEN: 'metrics-token-metrics-token' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^METRICS_TOKEN: /);
      expect(problems[0]).to.not.include('metrics-token');
    });

    it('reports a weak secret together with every other problem', () => {
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: COMPOSE_DEFAULT, METRICS_TOKEN: 'x'.repeat(40), PORT: 'eighty', MONGO_URL: 'mongodb://db:27017', CORS_ORIGINS: '*' });
      const text = problems.join('\n');
      expect(text).to.include('JWT_SECRET').and.include('METRICS_TOKEN').and.include('PORT').and.include('MONGO_URL and REDIS_URL').and.include('CORS_ORIGINS');
      expect(text).to.not.include('change-me').and.not.include('xxxxxx');
    });

    it('reports a secret that is both too short and weak once', () => {
      const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'changeme' });
      expect(problems.filter((p) => p.startsWith('JWT_SECRET'))).to.have.length(1);
    });
  });

  it('leaves weak secrets alone outside production (development and tests)', () => {
    expect(loadConfig({ JWT_SECRET: 'change-me-change-me-change-me-change-me' }).auth.jwtSecret).to.equal('change-me-change-me-change-me-change-me');
  });

  it('refuses a NEXUS_ADMIN_EMAIL that is not a valid address (invisible characters included)', () => {
    const problems = problemsOf({ NEXUS_ADMIN_EMAIL: 'ad\u200bmin@example.com', NEXUS_ADMIN_PASSWORD: 'Adm1n!Str0ng#Pass' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^NEXUS_ADMIN_EMAIL: /);
  });

  it('reads retry schedules from the environment', () => {
    const config = loadConfig({ JOB_ATTEMPTS_EMAIL: '2', JOB_BACKOFF_EMAIL: '10, 20' });
    expect(config.jobs.retry.email).to.deep.equal({ attempts: 2, backoffMs: [10, 20] });
  });

  it('keeps each job type’s own retry policy where the environment says nothing', () => {
    const config = loadConfig({ JOB_ATTEMPTS_DATA_PROCESSING: '7' });
    expect(config.jobs.retry['data-processing']).to.deep.equal({ attempts: 7, backoffMs: [10_000, 60_000] });
    expect(config.jobs.retry.reports).to.deep.equal({ attempts: 3, backoffMs: [300_000, 1_800_000] });
    expect(config.jobs.retry['dead-letter']).to.deep.equal({ attempts: 1, backoffMs: [] });
  });
});
