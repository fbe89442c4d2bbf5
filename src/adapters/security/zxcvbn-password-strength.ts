import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type * as ZxcvbnCommon from '@zxcvbn-ts/language-common';
import type { PasswordStrength } from '../../application/ports/password-strength.port';

/**
 * zxcvbn with the language-independent dictionaries (common passwords, keyboard patterns).
 *
 * Its built dictionaries take ~10 MB that the process keeps for its whole life, so they are built
 * here only for a process that checks passwords more than once: the first check runs in a
 * short-lived worker thread that builds them, scores, and exits, its memory freed with it. A
 * process that checks one password (the API seeding its first admin at start; a worker) does
 * not carry them; the second check builds them here and they serve every check after it. The
 * score is the same either way (same library, same dictionaries, same input).
 */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  private zxcvbn: ZxcvbnCore.ZxcvbnFactory | undefined;
  private checks = 0;

  score(password: string, userInputs: readonly string[]): number {
    // zxcvbn's cost grows with length; the policy refuses over 256 characters anyway.
    const input = password.slice(0, 256);
    this.checks += 1;
    if (this.checks === 1 && !this.zxcvbn) {
      const isolated = scoreInWorker(input, userInputs);
      if (isolated !== undefined) return isolated;
    }
    const zxcvbn = this.checker();
    const { score } = zxcvbn.check(input, [...userInputs]);
    // zxcvbn keeps the last password it scored (and the person's name and e-mail) on the
    // instance until the next check: scoring nothing leaves no password behind in memory.
    zxcvbn.check('', []);
    return score;
  }

  private checker(): ZxcvbnCore.ZxcvbnFactory {
    if (!this.zxcvbn) {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded at the first check made here (see above) */
      const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof ZxcvbnCore;
      const { adjacencyGraphs, dictionary } = require('@zxcvbn-ts/language-common') as typeof ZxcvbnCommon;
      /* eslint-enable @typescript-eslint/no-require-imports */
      this.zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
    }
    return this.zxcvbn;
  }
}

// A worker's start and the dictionaries' build take well under a second; a worker that has not
// answered by then (it cannot start: out of memory, threads) is given up and the check made here.
const WORKER_TIMEOUT_MS = 30_000;

// The worker's whole program: the same build and check as `checker()` and `score()` above. The
// modules are named by absolute path, so it loads the copies this process would.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { signal, port, core, common, password, userInputs } = workerData;
try {
  const { ZxcvbnFactory } = require(core);
  const { adjacencyGraphs, dictionary } = require(common);
  const zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  port.postMessage({ score: zxcvbn.check(password, userInputs).score });
} catch {
  port.postMessage({ failed: true });
} finally {
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
`;

/**
 * One check in a worker thread, waited for synchronously (the port is synchronous, and this
 * runs once per process), or undefined when the worker could not give an answer.
 */
const scoreInWorker = (password: string, userInputs: readonly string[]): number | undefined => {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { signal, port: port2, core: require.resolve('@zxcvbn-ts/core'), common: require.resolve('@zxcvbn-ts/language-common'), password, userInputs: [...userInputs] },
      transferList: [port2],
      // Nothing of the process's standard streams or environment is needed, or shared.
      stdout: true,
      stderr: true,
      env: {},
    });
    // An error inside the worker is answered as { failed }; this only keeps a crash quiet.
    worker.on('error', () => undefined);
    if (Atomics.wait(signal, 0, 0, WORKER_TIMEOUT_MS) === 'timed-out') return undefined;
    const answer = receiveMessageOnPort(port1)?.message as { score?: unknown } | undefined;
    return typeof answer?.score === 'number' ? answer.score : undefined;
  } catch {
    return undefined;
  } finally {
    port1.close();
    void worker?.terminate();
  }
};
