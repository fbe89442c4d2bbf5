import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Sends each request it reads (a JSON line) and answers with the status and the time it took. */
const CLIENT = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const { id, url, body } = JSON.parse(line);
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    process.stdout.write(JSON.stringify({ id, status: res.status, ms: performance.now() - started, text }) + '\\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ id, status: 0, ms: 0, text: String(err) }) + '\\n');
  }
});`;

export interface TimedAnswer {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
}

/**
 * An HTTP client in a process of its own, as a remote attacker is: what it times is when the
 * answer reached it, not when this process (which also runs the server) got round to reading it.
 */
export class TimingClient {
  private next = 0;
  private readonly waiting = new Map<number, (answer: TimedAnswer) => void>();

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const { id, ...answer } = JSON.parse(line) as TimedAnswer & { id: number };
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
  }

  static start(): TimingClient {
    return new TimingClient(spawn(process.execPath, ['-e', CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  post(url: string, body: unknown): Promise<TimedAnswer> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, url, body: JSON.stringify(body) })}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
