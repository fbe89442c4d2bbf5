// What a request path's frames and its request context cost, apart from everything else Nexus
// does: the ceiling server (bench/servers/koa-router-variants.ts) plain, with 17 pass-through
// async middlewares, and with those and one AsyncLocalStorage.run per request, in alternating
// rounds; the figure is each server's own CPU (utime + stime from /proc) per request.
//   npx tsc -p bench/tsconfig.json && node dist/bench/bench/context-cost.js [rounds=7] [requests=30000]
// Run it with another node (e.g. .tools/node24) to compare runtimes: Node 20 turns on promise
// hooks for every promise once a store is used; Node 24 carries the context without them.
import autocannon from 'autocannon';
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from '../test/support/services';
import { ROOT } from './fixtures';

const ROUNDS = Number(process.argv[2] ?? 7);
const REQUESTS = Number(process.argv[3] ?? 30_000);
const TICK_US = 1e6 / Number(execSync('getconf CLK_TCK').toString().trim());
const SIDES: Record<string, Record<string, string>> = {
  'Koa + router': { FRAMES: '0' },
  '+ 17 async frames': { FRAMES: '17' },
  '+ 17 async frames + AsyncLocalStorage': { FRAMES: '17', CONTEXT: '1' },
  '+ AsyncLocalStorage': { FRAMES: '0', CONTEXT: '1' },
};

const cpuUs = (child: ChildProcess): number => {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const main = async (): Promise<void> => {
  const entry = join(ROOT, 'dist/bench/bench/servers/koa-router-variants.js');
  const servers = await Promise.all(
    Object.entries(SIDES).map(async ([name, env]) => {
      const port = await freePort();
      const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
      await waitForPort(port, 30_000, child);
      return { name, child, url: `http://127.0.0.1:${port}/api/users/6b0f0ae0e53ea15a689f067c` };
    }),
  );
  const run = async (url: string, amount: number) => void (await autocannon({ url, connections: 32, amount }));
  for (const s of servers) await run(s.url, 10_000);
  const samples = new Map<string, number[]>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const before = cpuUs(s.child);
      await run(s.url, REQUESTS);
      samples.get(s.name)!.push((cpuUs(s.child) - before) / REQUESTS);
    }
  }
  for (const s of servers) s.child.kill('SIGTERM');
  const base = median(samples.get('Koa + router')!);
  console.log(`\n${process.version}, ${ROUNDS} rounds of ${REQUESTS} requests, 32 connections; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.table(
    servers.map((s) => {
      const m = median(samples.get(s.name)!);
      return { server: s.name, 'us/request': m.toFixed(1), 'x Koa + router': (m / base).toFixed(2), rounds: samples.get(s.name)!.map((x) => x.toFixed(0)).join(' ') };
    }),
  );
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
