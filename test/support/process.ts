import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Runs an entrypoint (`src/infrastructure/server.ts`) as `npm start` does, with a clean environment. */
export const runEntrypoint = (entry: string, env: Record<string, string>): RunningProcess => runNode(['--import', 'tsx', entry], env);

/** Runs this Node with `args` (`dist/infrastructure/server.js`, as `npm run start:prod` does), with a clean environment. */
export const runNode = (args: readonly string[], env: Record<string, string>): RunningProcess => {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? 'unknown')));
  return { child, output: () => out, exited };
};
