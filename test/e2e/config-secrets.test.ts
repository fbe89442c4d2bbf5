import { expect } from 'chai';
import { runEntrypoint } from '../support/process';

const SERVER = 'src/infrastructure/server.ts';
const WORKER = 'src/infrastructure/worker.ts';
// What docker-compose.yml supplied when JWT_SECRET was not set: public, so anyone could sign tokens.
const OLD_COMPOSE_DEFAULT = 'change-me-change-me-change-me-change-me';

describe('e2e :: production refuses placeholder secrets', function () {
  this.timeout(60_000);

  for (const [name, entry] of [['server', SERVER], ['worker', WORKER]] as const) {
    it(`the ${name} exits 78 with the old compose default JWT_SECRET, naming the variable and not the value`, async () => {
      const proc = runEntrypoint(entry, {
        NODE_ENV: 'production',
        JWT_SECRET: OLD_COMPOSE_DEFAULT,
        METRICS_TOKEN: 'metrics-metrics-metrics-metrics',
        // Unreachable on purpose: configuration is checked before anything is contacted.
        MONGO_URL: 'mongodb://127.0.0.1:1/?directConnection=true',
        REDIS_URL: 'redis://127.0.0.1:1',
        LOG_FORMAT: 'json',
      });
      expect(await proc.exited).to.equal(78);
      const out = proc.output();
      expect(out).to.include('JWT_SECRET').and.include('METRICS_TOKEN').and.include('openssl rand -hex 32');
      expect(out).to.not.include(OLD_COMPOSE_DEFAULT);
      expect(out).to.not.include('change-me');
      expect(out).to.not.include('metrics-metrics');
    });
  }
});
