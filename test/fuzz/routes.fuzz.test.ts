import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { arbitraryFromCodec } from './arbitraries-from-codec';
import { contractViolations, errorLog, unexpectedChanges } from './contract';
import { closeRawHttp, describeRequest, describeResponse, send } from './raw-http';
import { fuzzCase, toRawRequest } from './requests';
import { NOT_FUZZED, ROUTE_CODECS, type RouteSpec } from './route-codecs';
import { type RouterRoute, routesOf } from './router-routes';
import { buildWorld, principalsIntact, REAL_CREDENTIALS, touchesPrincipals, type World } from './world';

/*
 * The fuzz suite (issue 8, "Keep them closed"). For every route of the router it sends requests
 * derived from the route's own codecs and from junk, as an admin, an ordinary user, API keys,
 * nobody and forged credentials, and holds every answer to the contract in ./contract.ts.
 *
 * `npm test` runs it with a fixed seed and a bounded budget. `npm run fuzz` runs it longer with
 * a random seed; FUZZ_SEED and FUZZ_RUNS (requests per route) override either, and a failure
 * prints the line that replays it.
 */

const LONG = process.env['FUZZ_MODE'] === 'long';
const BASE_SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : LONG ? Math.floor(Math.random() * 2 ** 31) : 20_260_508;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? (LONG ? 600 : 80));
if (!Number.isInteger(BASE_SEED) || !Number.isInteger(RUNS) || RUNS < 1) throw new Error('FUZZ_SEED and FUZZ_RUNS must be whole numbers');

/** Each route gets its own seed, derived from the base seed and its name. */
const seedFor = (key: string): number => {
  let h = BASE_SEED | 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
};
const runsFor = (spec: RouteSpec): number => (spec.costly ? Math.max(5, Math.round(RUNS / 2)) : RUNS);

const routeOf = (key: string): RouterRoute => {
  const [method, template] = key.split(' ') as [string, string];
  return { key, method, template };
};

const settle = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REAL = new Set<string>(REAL_CREDENTIALS);
/** What a codec says when a body has the wrong shape: a codec copy in private-codecs.ts that drifted. */
const SHAPE_MISMATCH = /is not an allowed field|is required|must be a string|must be a JSON object/;
/**
 * An answer that shows a codec-valid request with real credentials got past validation and
 * authorisation to the use case: a success, a 404 or 409 from the use case, a 400 with the use
 * case's own reasons, or (on /api/auth, where the body carries a credential of its own: a
 * password, a refresh token) the use case's 401.
 */
const reachedHandler = (key: string, status: number, text: string): boolean =>
  (status >= 200 && status < 300) || status === 404 || status === 409 || (status === 400 && !SHAPE_MISMATCH.test(text)) || (status === 401 && key.startsWith('POST /api/auth/'));

describe('Fuzz :: every route answers the envelope, never a 5xx, and a refusal changes nothing', function () {
  this.timeout(LONG ? 0 : 120_000);
  const log = errorLog();
  let world: World;
  let routes: RouterRoute[];
  let rebuilds = 0;
  let requests = 0;
  const reached = new Map<string, number>();
  const statuses = new Map<string, Map<number, number>>();

  before(async function () {
    this.timeout(120_000);
    world = await buildWorld(this, log.logger);
    routes = routesOf(world.app.runtime.http!);
    const replay = `FUZZ_SEED=${BASE_SEED} FUZZ_RUNS=${RUNS}`;
    if (LONG) console.log(`      fuzz: ${replay} (replay a failure with: ${replay} npm run fuzz -- --grep '<route>')`);
  });

  after(async () => {
    await world?.close();
    closeRawHttp();
    if (LONG || process.env['FUZZ_VERBOSE']) {
      console.log(`      fuzz: ${requests} requests, ${rebuilds} world rebuild(s), seed ${BASE_SEED}`);
      for (const [key, byStatus] of statuses) console.log(`      ${key.padEnd(40)} ${[...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}x${n}`).join(' ')}`);
    }
  });

  it('fuzzes every route of the router, and only routes of the router', () => {
    const served = routes.map((r) => r.key).filter((k) => !(k in NOT_FUZZED)).sort();
    expect(Object.keys(NOT_FUZZED).filter((k) => !routes.some((r) => r.key === k)), 'routes left out in NOT_FUZZED that the router does not serve').to.deep.equal([]);
    const mapped = Object.keys(ROUTE_CODECS).sort();
    expect(served.filter((k) => !mapped.includes(k)), 'routes the fuzzer does not know (add them to test/fuzz/route-codecs.ts)').to.deep.equal([]);
    expect(mapped.filter((k) => !served.includes(k)), 'routes in test/fuzz/route-codecs.ts that the router does not serve').to.deep.equal([]);
  });

  it('derives from every codec only values that codec accepts', () => {
    for (const [key, spec] of Object.entries(ROUTE_CODECS)) {
      for (const codec of [spec.params, spec.query, spec.body]) {
        if (!codec) continue;
        fc.assert(
          fc.property(arbitraryFromCodec(codec), (value) => {
            const decoded = codec.decode(value);
            if (E.isLeft(decoded)) throw new Error(`${key}: ${codec.name} refused a value derived from it: ${JSON.stringify(value)}`);
          }),
          { seed: seedFor(key), numRuns: 50 },
        );
      }
    }
  });

  for (const [key, spec] of Object.entries(ROUTE_CODECS)) {
    it(`${key}: never a 5xx, always the envelope, a refusal changes nothing`, async function () {
      const route = routeOf(key);
      const byStatus = new Map<number, number>();
      statuses.set(key, byStatus);
      const property = fc.asyncProperty(fuzzCase(route, spec), async (c) => {
        const req = toRawRequest(route, c, world);
        // Work an earlier request started off its own path (a job, a stamp) lands before "before".
        await settle();
        const before = world.snapshot();
        const res = await send(world.app.baseUrl, req);
        // Let anything the handler left running settle before looking at the stores.
        await settle();
        const after = world.snapshot();
        requests += 1;
        byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);

        const problems = contractViolations(req, res, {
          credentials: c.credential === 'none' ? 'none' : REAL.has(c.credential) ? 'valid' : 'forged',
          publicRoute: spec.public === true,
          beforeAuthentication: key.startsWith('GET /health'),
        });
        if (res.status >= 400 && res.status < 500) {
          const changes = unexpectedChanges(before, after);
          if (changes.length > 0) problems.push(`refused with ${res.status}, yet changed ${changes.length} stored value(s): ${JSON.stringify(changes.slice(0, 3))}`);
        }
        if (problems.length > 0) {
          const logged = log.forRequest(res.headers['x-request-id'] as string | undefined);
          throw new Error(
            [`contract broken: ${problems.join('; ')}`, `request:  ${describeRequest(req)}`, `response: ${describeResponse(res)}`, ...(logged.length > 0 ? [`logged:   ${JSON.stringify(logged)}`] : [])].join('\n'),
          );
        }

        if (c.shape === 'valid' && c.spelling.style === 'canonical' && c.method === route.method && REAL.has(c.credential) && reachedHandler(key, res.status, res.text)) {
          reached.set(key, (reached.get(key) ?? 0) + 1);
        }
        // The fuzzer may delete, suspend or demote its own admin, or revoke its own key: then it
        // starts again in a new world rather than spend the rest of its budget on 401s.
        const accepted = res.status < 300 && !SAFE_METHODS.has(req.method);
        const suspicious = (accepted && (key.startsWith('POST /api/auth/') || touchesPrincipals(`${req.path} ${req.body?.toString() ?? ''}`, world))) || (res.status === 401 && c.shape === 'valid' && REAL.has(c.credential));
        if (suspicious && !(await principalsIntact(world))) {
          await world.close();
          world = await buildWorld(this, log.logger);
          rebuilds += 1;
        }
      });
      try {
        await fc.assert(property, { seed: seedFor(key), numRuns: runsFor(spec) });
      } catch (err) {
        (err as Error).message = `${key}: replay with FUZZ_SEED=${BASE_SEED} FUZZ_RUNS=${RUNS} npm run fuzz -- --grep '${key}'\n${(err as Error).message}`;
        throw err;
      }
      expect(reached.get(key) ?? 0, `no codec-valid request with real credentials reached the handler of ${key}; statuses seen: ${JSON.stringify([...byStatus])}`).to.be.greaterThan(0);
    });
  }
});
