import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics';
import { DEFAULT_RETRY_POLICIES, JOB_TYPES } from '../../../src/application/jobs/job-types';
import { decodeEnv, decodeRetryOverrides, EnvCodec } from '../../../src/infrastructure/config/config.codec';
import { loadConfig } from '../../../src/infrastructure/config/load-config';

// What the repository ships for deployment (.env.example, the compose files, deploy/) checked
// against the code it deploys, since no container engine runs here: a variable the codec gains,
// a port that moves or a metric that is renamed fails here, not in someone's production.

const ROOT = resolve(__dirname, '../../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');
const yamlOf = <T>(path: string): T => parseYaml(read(path), { merge: true }) as T;

const QUEUES = Object.keys(JOB_TYPES) as (keyof typeof JOB_TYPES)[];
const suffix = (queue: string): string => queue.toUpperCase().replace(/-/g, '_');
const CODEC_VARIABLES = Object.keys(EnvCodec.props);
const RETRY_VARIABLES = QUEUES.flatMap((q) => [`JOB_ATTEMPTS_${suffix(q)}`, `JOB_BACKOFF_${suffix(q)}`]);
const CONFIG_VARIABLES = [...CODEC_VARIABLES, ...RETRY_VARIABLES];

/** `NAME=value` lines of an env file, quotes removed, with whether a comment explains each. */
const envFile = (text: string): Map<string, { value: string; explained: boolean }> => {
  const entries = new Map<string, { value: string; explained: boolean }>();
  let blockHasComment = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') blockHasComment = false;
    else if (line.startsWith('#')) blockHasComment = true;
    else {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!match) throw new Error(`.env.example: not a NAME=value line: ${line}`);
      entries.set(match[1]!, { value: match[2]!.replace(/^"(.*)"$/, '$1'), explained: blockHasComment });
    }
  }
  return entries;
};

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | null>;
  ports?: string[];
  expose?: string[];
  restart?: string;
  profiles?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}
type ComposeFile = { services: Record<string, ComposeService> };

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.scale.yml'];
const compose = yamlOf<ComposeFile>('docker-compose.yml');
const override = yamlOf<ComposeFile>('docker-compose.override.yml');
type ScaledService = ComposeService & { scale?: number; deploy?: { replicas?: number }; depends_on?: Record<string, { condition: string }> };
const scale = yamlOf<{ services: Record<string, ScaledService>; volumes?: Record<string, unknown> }>('docker-compose.scale.yml');
const env = envFile(read('.env.example'));

describe('Infrastructure :: deployment files', () => {
  describe('.env.example', () => {
    it('lists every variable of the configuration codec and every per-queue retry variable, each explained', () => {
      const missing = CONFIG_VARIABLES.filter((name) => !env.has(name));
      expect(missing, 'variables the configuration reads that .env.example does not list').to.deep.equal([]);
      const unexplained = CONFIG_VARIABLES.filter((name) => !env.get(name)!.explained);
      expect(unexplained, 'variables without a comment saying what they mean').to.deep.equal([]);
    });

    it('gives each variable its real default, so copying it changes nothing', () => {
      const defaults = decodeEnv({}).env as Record<string, unknown>;
      const listed = decodeEnv(Object.fromEntries(CODEC_VARIABLES.map((name) => [name, env.get(name)?.value]))) as { env: Record<string, unknown>; problems: string[] };
      expect(listed.problems).to.deep.equal([]);
      for (const name of CODEC_VARIABLES) expect(listed.env[name], name).to.deep.equal(defaults[name]);

      const retries = decodeRetryOverrides(Object.fromEntries(RETRY_VARIABLES.map((name) => [name, env.get(name)?.value])), QUEUES);
      if (E.isLeft(retries)) expect.fail(retries.left.join('; '));
      for (const queue of QUEUES) expect(retries.right[queue], queue).to.deep.equal(DEFAULT_RETRY_POLICIES[queue]);
    });

    it('starts a development process as it stands (cp .env.example .env)', () => {
      const config = loadConfig(Object.fromEntries([...env].map(([name, { value }]) => [name, value])), { terminal: false });
      expect(config.profile).to.equal('embedded');
      expect(config.http.port).to.equal(3000);
    });

    it('lists nothing that neither Nexus nor a compose file reads', () => {
      const composeText = COMPOSE_FILES.map(read).join('\n');
      const stale = [...env.keys()].filter((name) => !CONFIG_VARIABLES.includes(name) && !composeText.includes(`\${${name}`));
      expect(stale).to.deep.equal([]);
    });
  });

  describe('docker-compose.yml', () => {
    const { api, worker, mongo, proxy } = compose.services;

    it('passes every configuration variable to the API and the worker', () => {
      for (const [name, service] of [['api', api], ['worker', worker]] as const) {
        const missing = CONFIG_VARIABLES.filter((v) => !(v in (service?.environment ?? {})));
        expect(missing, `variables compose does not pass to ${name}`).to.deep.equal([]);
      }
    });

    it('documents in .env.example every variable it reads from the shell or .env', () => {
      for (const file of COMPOSE_FILES) {
        const read_ = [...read(file).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
        expect(read_.filter((name) => !env.has(name)), file).to.deep.equal([]);
      }
    });

    it('builds one image, once, for the API and the worker', () => {
      expect(api?.build).to.not.equal(undefined);
      expect(worker?.build).to.equal(undefined);
      expect(api?.image).to.be.a('string').and.equal(worker?.image);
      expect(worker?.command?.join(' ')).to.include('dist/infrastructure/worker.js');
      const built = [...Object.entries(compose.services), ...Object.entries(override.services)].filter(([, s]) => s.build !== undefined);
      expect(built.map(([name]) => name)).to.deep.equal(['api']);
    });

    it('restarts every long-running service unless it was stopped', () => {
      for (const [name, service] of Object.entries(compose.services)) expect(service.restart, name).to.equal('unless-stopped');
      for (const [name, service] of Object.entries(override.services)) if (service.image) expect(service.restart, name).to.equal('unless-stopped');
    });

    it('calls MongoDB healthy only once it has a writable PRIMARY, with the answer as the exit code', () => {
      const test = mongo?.healthcheck?.test.join(' ') ?? '';
      expect(test).to.include('isWritablePrimary').and.match(/quit\(db\.hello\(\)\.isWritablePrimary \? 0 : 1\)/);
      expect(test).to.include('rs.initiate');
    });

    it('publishes no host port on the API, so it scales behind the proxy', () => {
      expect(api?.ports).to.equal(undefined);
      expect(proxy?.ports).to.have.length(1);
      expect(proxy?.volumes?.join(' ')).to.include('./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf');
    });

    it('trusts exactly the one proxy hop nginx adds, and nginx reaches the API on its port', () => {
      const environment = api?.environment ?? {};
      expect(String(environment['TRUST_PROXY'])).to.equal('1');
      const nginx = read('deploy/nginx/nginx.conf');
      expect(nginx).to.include('$proxy_add_x_forwarded_for');
      expect(nginx).to.match(new RegExp(`server api:${String(environment['PORT'])} resolve[ ;]`));
      const published = /:(\d+)"?\]?$/.exec(String(proxy?.ports?.[0]))?.[1];
      expect(nginx).to.match(new RegExp(`listen ${published};`));
    });

    it('binds the development and observability UIs to this machine only', () => {
      for (const name of ['prometheus', 'grafana']) expect(compose.services[name]?.ports?.[0], name).to.match(/^127\.0\.0\.1:/);
      expect(override.services['mailpit']?.ports?.[0]).to.match(/^127\.0\.0\.1:/);
      expect(compose.services['prometheus']?.profiles).to.deep.equal(['observability']);
      expect(compose.services['grafana']?.profiles).to.deep.equal(['observability']);
    });

    it('points the development API and worker at Mailpit', () => {
      for (const name of ['api', 'worker']) expect(override.services[name]?.environment?.['SMTP_URL'], name).to.equal('smtp://mailpit:1025');
    });
  });

  describe('docker-compose.scale.yml (over docker-compose.yml)', () => {
    const members = ['mongo', 'mongo-2', 'mongo-3'];

    it('runs three API processes and three workers, building no image of its own', () => {
      for (const name of ['api', 'worker']) {
        expect(scale.services[name]?.scale, name).to.equal(3);
        expect(scale.services[name]?.deploy?.replicas, name).to.equal(3);
        expect(scale.services[name]?.image, name).to.equal(undefined);
        expect(scale.services[name]?.ports, name).to.equal(undefined);
      }
      expect(Object.entries(scale.services).filter(([, s]) => s.build !== undefined)).to.deep.equal([]);
    });

    it('makes a three-member replica set, initiated by the first member and healthy only with a PRIMARY', () => {
      const init = scale.services['mongo']?.healthcheck?.test.join(' ') ?? '';
      expect(init).to.include("rs.initiate({ _id: 'rs0'");
      for (const member of members) expect(init).to.include(`host: '${member}:27017'`);
      expect(init).to.match(/quit\(db\.hello\(\)\.primary \? 0 : 1\)$/);
      for (const member of members.slice(1)) {
        expect(scale.services[member]?.healthcheck?.test.join(' '), member).to.match(/quit\(db\.hello\(\)\.primary \? 0 : 1\)$/);
        expect(scale.services[member]?.command?.join(' '), member).to.equal('--replSet rs0 --bind_ip_all');
        expect(scale.services[member]?.volumes?.[0], member).to.match(new RegExp(`^${member}-data:/data/db$`));
        expect(scale.services['mongo']?.depends_on?.[member]?.condition).to.equal('service_started');
      }
    });

    it('points the API and the worker at every member, with majority writes and retryable reads and writes, once all are healthy', () => {
      for (const name of ['api', 'worker']) {
        const [hosts, query] = String(scale.services[name]?.environment?.['MONGO_URL']).split('/?');
        expect(hosts, name).to.equal(`mongodb://${members.map((m) => `${m}:27017`).join(',')}`);
        expect(Object.fromEntries(new URLSearchParams(query))).to.deep.equal({ replicaSet: 'rs0', w: 'majority', retryWrites: 'true', retryReads: 'true', readPreference: 'primary' });
        for (const member of [...members, 'redis']) expect(scale.services[name]?.depends_on?.[member]?.condition, `${name} on ${member}`).to.equal('service_healthy');
      }
    });
  });

  describe('Prometheus and Grafana (--profile observability)', () => {
    type Scrape = { job_name: string; authorization?: { credentials_file?: string }; dns_sd_configs?: { names: string[]; port: number }[] };
    const prometheus = yamlOf<{ scrape_configs: Scrape[] }>('deploy/prometheus/prometheus.yml');
    const scrape = (job: string): Scrape => prometheus.scrape_configs.find((s) => s.job_name === job)!;

    it('scrapes every API instance on METRICS_PORT and every worker on WORKER_HEALTH_PORT, with the token file the entrypoint writes', () => {
      const apiEnv = compose.services['api']!.environment!;
      const workerEnv = compose.services['worker']!.environment!;
      expect(scrape('nexus-api').dns_sd_configs).to.deep.equal([{ names: ['api'], type: 'A', port: Number(apiEnv['METRICS_PORT']), refresh_interval: '15s' }]);
      expect(scrape('nexus-worker').dns_sd_configs).to.deep.equal([{ names: ['worker'], type: 'A', port: Number(workerEnv['WORKER_HEALTH_PORT']), refresh_interval: '15s' }]);
      const entrypoint = compose.services['prometheus']!.entrypoint!.join(' ');
      for (const job of ['nexus-api', 'nexus-worker']) expect(entrypoint).to.include(`> ${scrape(job).authorization!.credentials_file!}`);
      expect(entrypoint).to.include('"$$METRICS_TOKEN"');
    });

    type Target = { expr: string; datasource?: { uid: string } };
    type Panel = { title: string; type: string; datasource?: { uid: string }; targets?: Target[]; panels?: Panel[] };
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/nexus.json')) as { uid: string; panels: Panel[] };
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

    it('provisions the dashboard on the data source it queries, from where compose mounts it', () => {
      const datasource = yamlOf<{ datasources: { uid: string; url: string }[] }>('deploy/grafana/provisioning/datasources/prometheus.yml').datasources[0]!;
      expect(datasource.url).to.equal('http://prometheus:9090');
      for (const panel of panels) {
        expect(panel.datasource?.uid, panel.title).to.equal(datasource.uid);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).to.equal(datasource.uid);
      }
      const provider = yamlOf<{ providers: { options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/nexus.yml').providers[0]!;
      expect(compose.services['grafana']!.volumes).to.include(`./deploy/grafana/dashboards:${provider.options.path}:ro`);
    });

    it('shows requests, latency and errors by route, queue depth, job durations and failures, and the cache hit ratio', () => {
      const all = exprs.join('\n');
      expect(all).to.match(/sum by \(route\) \(rate\(nexus_http_requests_total/);
      expect(all).to.match(/histogram_quantile\(0\.95, sum by \(le, route\) \(rate\(nexus_http_request_duration_seconds_bucket/);
      expect(all).to.match(/nexus_http_requests_total\{status=~"5\.\."\}/);
      expect(all).to.include('nexus_jobs{state=~"pending|scheduled|processing"}');
      expect(all).to.match(/nexus_job_duration_seconds_bucket/);
      expect(all).to.include('nexus_job_attempts_total{outcome="failed"}');
      expect(all).to.include('nexus_cache_lookups_total{result="hit"}');
    });

    it('queries only metrics and labels that /metrics really exports', async () => {
      const metrics = new PrometheusMetrics('nexus-api');
      const exported = new Map<string, string[]>();
      const text = await metrics.render();
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        const labels = [...((metrics.registry.getSingleMetric(name!) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [])];
        const series = type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : type === 'summary' ? [name!, `${name}_sum`, `${name}_count`] : [name!];
        for (const s of series) exported.set(s, [...labels, ...(s.endsWith('_bucket') ? ['le'] : []), ...(type === 'summary' && s === name ? ['quantile'] : [])]);
      }
      expect(exported.size).to.be.above(10);
      // Prometheus's own series, and the labels it and compose add to every scraped one.
      const PROMETHEUS_SERIES = new Map([['up', [] as string[]]]);
      const TARGET_LABELS = ['job', 'instance', 'service'];
      const FUNCTIONS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'clamp_min', 'clamp_max', 'by', 'without', 'on', 'ignoring', 'bool', 'and', 'or', 'unless', 'offset']);

      for (const expr of exprs) {
        const bare = expr.replace(/"[^"]*"/g, '""').replace(/\[[^\]]*\]/g, '');
        const used = [...bare.replace(/\{[^}]*\}/g, '').replace(/\b(by|without) \([^)]*\)/g, '').matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !FUNCTIONS.has(w));
        expect(used.length, expr).to.be.above(0);
        const labelsOf = (name: string): string[] | undefined => exported.get(name) ?? PROMETHEUS_SERIES.get(name);
        for (const name of used) expect(labelsOf(name), `${name} in ${expr}`).to.not.equal(undefined);
        // Labels in selectors belong to their metric; labels in `by (...)` to one of the metrics used.
        for (const [, name, selector] of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
          for (const [, label] of selector!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) expect([...labelsOf(name!)!, ...TARGET_LABELS], `${label} on ${name} in ${expr}`).to.include(label);
        }
        const known = new Set([...used.flatMap((name) => labelsOf(name) ?? []), ...TARGET_LABELS]);
        for (const [, group] of bare.matchAll(/\bby \(([^)]*)\)/g)) {
          for (const label of group!.split(',').map((l) => l.trim())) expect([...known], `by (${label}) in ${expr}`).to.include(label);
        }
      }
    });
  });

  describe('docker-compose config (Debian\'s docker-compose validates the files without an engine)', () => {
    const REQUIRE = process.env['NEXUS_REQUIRE_SERVICES'] === '1';
    const STRONG = 'a3f1c9e07b5d42e8916f0c2d7a4b8e35f6091d2c7e4a8b3f5d60c1e9a7b2f48d';
    const run = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
      const out = spawnSync('docker-compose', ['--env-file', '.env.example', ...args, 'config'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', JWT_SECRET: STRONG, METRICS_TOKEN: STRONG.split('').reverse().join('') },
      });
      return { status: out.status, stdout: out.stdout ?? '', stderr: out.stderr ?? '' };
    };

    before(function () {
      if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return;
      const message = 'docker-compose is not installed (Debian package docker-compose), so the compose files cannot be validated';
      if (REQUIRE) throw new Error(`${message}, and NEXUS_REQUIRE_SERVICES=1`);
      process.stderr.write(`\n  !!! SKIPPING: ${message}. Run \`npm run services\` to install it.\n\n`);
      this.skip();
    });

    for (const files of [['-f', 'docker-compose.yml'], [], ['-f', 'docker-compose.yml', '-f', 'docker-compose.scale.yml']]) {
      for (const profile of [[], ['--profile', 'observability']]) {
        it(`accepts ${files.length ? files.join(' ') : 'docker-compose.yml + docker-compose.override.yml'}${profile.length ? ` ${profile.join(' ')}` : ''}, and its API and worker start from that environment`, () => {
          const result = run([...files, ...profile]);
          expect(result.status, result.stderr).to.equal(0);
          const resolved = parseYaml(result.stdout) as ComposeFile;
          for (const name of ['api', 'worker']) {
            const environment = Object.fromEntries(Object.entries(resolved.services[name]!.environment!).map(([k, v]) => [k, v === null ? '' : String(v)]));
            const config = loadConfig(environment, { terminal: false });
            expect(config.profile, name).to.equal('production');
            expect(config.env).to.equal('production');
            expect(config.log.format).to.equal('json');
            expect(config.http.trustProxyHops).to.equal(1);
            expect(config.metrics.port).to.equal(9464);
            expect(config.workerHealthPort).to.equal(3001);
            expect(config.mail.smtpUrl).to.equal(files.length ? undefined : 'smtp://mailpit:1025');
            expect(config.mongo?.url, name).to.equal(files.includes('docker-compose.scale.yml') ? 'mongodb://mongo:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0&w=majority&retryWrites=true&retryReads=true&readPreference=primary' : 'mongodb://mongo:27017/?replicaSet=rs0');
          }
          if (files.includes('docker-compose.scale.yml')) {
            expect(Object.keys(resolved.services).sort()).to.include.members(['api', 'worker', 'proxy', 'redis', 'mongo', 'mongo-2', 'mongo-3']);
            for (const name of ['api', 'worker']) expect((resolved.services[name] as ScaledService).scale ?? (resolved.services[name] as ScaledService).deploy?.replicas, name).to.equal(3);
          }
        });
      }
    }

    it('refuses to start without JWT_SECRET, saying how to make one', () => {
      const out = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } });
      expect(out.status).to.not.equal(0);
      expect(out.stderr).to.include('openssl rand -hex 32');
    });
  });
});
