// CPU profiles of the server under load: one `node --cpu-prof` profile per server process, cut
// into one profile per route by the harness' time windows (V8's profile clock and
// process.hrtime are both CLOCK_MONOTONIC), summarised as the top functions by self time and
// as the cost of each step a request passes (middleware, router, use case, drivers...).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './fixtures';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  hitCount?: number;
  readonly children?: number[];
}
export interface CpuProfile {
  readonly nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A load's time window, in microseconds of the monotonic clock. */
export interface Window {
  readonly name: string;
  readonly fromUs: number;
  readonly toUs: number;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** The samples taken inside `window`, as a profile of its own (Chrome DevTools opens it). */
export const cut = (profile: CpuProfile, window: Window): CpuProfile => {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const hits = new Map<number, number>();
  let t = profile.startTime;
  let last = window.fromUs;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < window.fromUs || t > window.toUs) continue;
    const id = profile.samples[i]!;
    samples.push(id);
    timeDeltas.push(t - last);
    last = t;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const nodes = profile.nodes.map((n) => ({ ...n, hitCount: hits.get(n.id) ?? 0 }));
  return { nodes, startTime: window.fromUs, endTime: Math.min(window.toUs, profile.endTime), samples, timeDeltas };
};

/** Which step of a request a source file belongs to; null for Node's internals and anonymous frames. */
const STEPS: readonly [RegExp, string][] = [
  [/\/(?:src|dist)\/adapters\/http\/middleware\/([\w-]+)\.[jt]s$/, 'middleware: $1'],
  [/\/node_modules\/(koa-helmet|helmet)\//, 'middleware: edge (helmet headers)'],
  [/\/node_modules\/@koa\/cors\//, 'middleware: edge (cors)'],
  [/\/node_modules\/(koa-compress|compressible)\//, 'middleware: edge (compression)'],
  [/\/node_modules\/(@koa\/bodyparser|co-body|raw-body|inflation|type-is)\//, 'middleware: json-body (parser)'],
  [/\/node_modules\/rate-limiter-flexible\//, 'rate limiter (library)'],
  [/\/node_modules\/(@koa\/router|path-to-regexp|koa-compose)\//, 'koa router / compose'],
  [/\/node_modules\/(koa|delegates|on-finished|statuses|http-errors|accepts|negotiator|content-type|mime-types|cookies|keygrip|fresh|vary|only|encodeurl|escape-html|destroy|ee-first|media-typer|depd|cache-content-type)\//, 'koa core'],
  [/\/node_modules\/(winston|winston-transport|logform|triple-beam|readable-stream|@colors|colors|safe-stable-stringify|fecha|one-time|stack-trace|async|@dabh)\//, 'logging (winston)'],
  [/\/node_modules\/(prom-client|tdigest|bintrees)\//, 'metrics (prom-client)'],
  [/\/node_modules\/jose\//, 'jwt (jose)'],
  [/\/node_modules\/(ioredis|@ioredis|redis-parser|redis-errors|denque|cluster-key-slot|standard-as-callback)\//, 'redis driver'],
  [/\/node_modules\/(mongodb|bson|mongodb-connection-string-url|@mongodb-js)\//, 'mongodb driver'],
  [/\/node_modules\/(bullmq|msgpackr|cron-parser)\//, 'bullmq'],
  [/\/node_modules\/(io-ts|fp-ts)\//, 'codecs (io-ts / fp-ts)'],
  [/\/node_modules\/(argon2|@phc)\//, 'argon2'],
  [/\/node_modules\/@zxcvbn-ts\//, 'zxcvbn'],
  [/\/node_modules\/(inversify|@inversifyjs|reflect-metadata)\//, 'dependency injection'],
  [/\/(?:src|dist)\/adapters\/http\//, 'http adapter (routes, codecs, presenters)'],
  [/\/(?:src|dist)\/application\//, 'application (use cases, cache)'],
  [/\/(?:src|dist)\/domain\//, 'domain'],
  [/\/(?:src|dist)\/adapters\/([\w-]+)\//, 'adapter: $1'],
  [/\/(?:src|dist)\/infrastructure\//, 'infrastructure'],
  [/\/node_modules\/([^/]+)\//, 'package: $1'],
];

const stepOf = (url: string): string | null => {
  for (const [pattern, label] of STEPS) {
    const m = pattern.exec(url);
    if (m) return label.replace('$1', m[1] ?? '');
  }
  return null;
};

/** Packages by their own path (node_modules may be a link elsewhere); our files from the root. */
const shortPath = (url: string): string => {
  const path = url.replace(/^file:\/\//, '');
  const packaged = path.lastIndexOf('/node_modules/');
  if (packaged >= 0) return path.slice(packaged + 1);
  return path.startsWith('/') ? relative(ROOT, path) : path;
};

const NODE = 'node (http, net, streams, timers)';

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

export interface Summary {
  readonly totalMs: number;
  readonly busyMs: number;
  readonly top: { readonly fn: string; readonly where: string; readonly selfMs: number; readonly pct: number }[];
  readonly steps: { readonly step: string; readonly ms: number; readonly pct: number }[];
}

export const summarise = (profile: CpuProfile, topN = 15): Summary => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const steps = new Map<string, number>();
  const stepCache = new Map<number, string>();
  let total = 0;
  let idle = 0;
  const stepOfNode = (id: number): string => {
    const cached = stepCache.get(id);
    if (cached) return cached;
    const leaf = byId.get(id)!;
    let step: string | null = null;
    if (SPECIAL.has(leaf.callFrame.functionName)) step = leaf.callFrame.functionName === '(garbage collector)' ? 'garbage collector' : leaf.callFrame.functionName;
    // Built-ins (JSON.stringify, Map#get: no URL) are charged to their nearest caller that is ours
    // or a package's; what runs inside Node's own modules (the socket write under a response's
    // end, timers, microtask queues) to Node.
    for (let at: number | undefined = id; step === null && at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      step = url.startsWith('node:') ? NODE : stepOf(url);
    }
    step ??= leaf.callFrame.url === '' ? NODE : 'other';
    stepCache.set(id, step);
    return step;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    total += us;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortPath(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { fn: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    self.set(key, entry);
    const step = stepOfNode(node.id);
    steps.set(step, (steps.get(step) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => (busy > 0 ? (100 * us) / busy : 0);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    top: [...self.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), pct: Number(pct(e.us).toFixed(1)) })),
    steps: [...steps.entries()].sort((a, b) => b[1] - a[1]).map(([step, us]) => ({ step, ms: Math.round(us / 1000), pct: Number(pct(us).toFixed(1)) })),
  };
};

export const readProfile = (file: string): CpuProfile => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
export const writeProfile = (file: string, profile: CpuProfile): void => writeFileSync(file, JSON.stringify(profile));
