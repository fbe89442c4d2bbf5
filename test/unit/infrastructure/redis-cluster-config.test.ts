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

const MONGO = { MONGO_URL: 'mongodb://db:27017' };

describe('Infrastructure :: configuration of a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  it('takes seed nodes as host:port instead of REDIS_URL, and chooses the production profile', () => {
    const config = loadConfig({ ...MONGO, REDIS_CLUSTER_NODES: 'r1:7000, r2:7001,10.0.0.3:7002', REDIS_KEY_PREFIX: 'acme' });
    expect(config.profile).to.equal('production');
    expect(config.redis).to.deep.equal({
      target: { kind: 'cluster', nodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 7001 }, { host: '10.0.0.3', port: 7002 }], tls: false },
      keyPrefix: 'acme',
    });
  });

  it('keeps REDIS_URL as one Redis', () => {
    expect(loadConfig({ ...MONGO, REDIS_URL: 'redis://cache:6379' }).redis?.target).to.deep.equal({ kind: 'single', url: 'redis://cache:6379' });
  });

  it('takes the password and TLS from URL-form entries; bare entries share them', () => {
    const config = loadConfig({ ...MONGO, REDIS_CLUSTER_NODES: 'rediss://nexus:s%40cret@r1:6380,r2:6380' });
    expect(config.redis?.target).to.deep.equal({ kind: 'cluster', nodes: [{ host: 'r1', port: 6380 }, { host: 'r2', port: 6380 }], tls: true, username: 'nexus', password: 's@cret' });
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together, naming the variable, with every other problem at once', () => {
    const problems = problemsOf({ ...MONGO, REDIS_URL: 'redis://cache:6379', REDIS_CLUSTER_NODES: 'r1:7000', PORT: 'eighty' });
    expect(problems).to.include('REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
    expect(problems.some((p) => p.startsWith('PORT:'))).to.equal(true);
  });

  it('refuses a cluster without MongoDB, as it refuses REDIS_URL alone', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'r1:7000' })).to.deep.equal(['MONGO_URL and REDIS_URL (or REDIS_CLUSTER_NODES): set both (production profile) or neither (embedded profile)']);
  });

  it('refuses entries that are not host:port, naming each, without echoing a password', () => {
    for (const [value, message] of [
      ['r1', 'each node must be host:port with a port from 1 to 65535, nothing more (got "r1")'],
      ['r1:0', 'each node must be host:port with a port from 1 to 65535, nothing more (got "r1:0")'],
      ['r1:7000/2', 'each node must be host:port with a port from 1 to 65535, nothing more (got "r1:7000/2")'],
      ['http://r1:7000', 'must use redis:// or rediss:// (got "http://r1:7000")'],
      [' , ', 'must name at least one node as host:port'],
    ] as const) {
      expect(problemsOf({ ...MONGO, REDIS_CLUSTER_NODES: value }), value).to.deep.equal([`REDIS_CLUSTER_NODES: ${message}`]);
    }
    const problems = problemsOf({ ...MONGO, REDIS_CLUSTER_NODES: 'redis://:hunter2-secret@r1:7000,rediss://:hunter2-secret@r2:7000' });
    expect(problems).to.deep.equal(['REDIS_CLUSTER_NODES: every URL in the list must carry the same scheme (redis:// or rediss://) and the same credentials']);
    expect(problemsOf({ ...MONGO, REDIS_CLUSTER_NODES: 'redis://:hunter2-secret@r1:7000/0' }).join(' ')).to.not.include('hunter2');
  });
});
