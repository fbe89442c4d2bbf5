// Preloaded (`node --require`) by bench/promise-count.ts into a server: counts the async
// resources it creates, by type, between two SIGUSR2s, and with PROMISE_STACKS=1 where each
// promise was made (the first two frames outside node's internals). Prints one JSON line to stderr.
import { createHook } from 'node:async_hooks';

const byType = new Map<string, number>();
const byPlace = new Map<string, number>();
const stacks = process.env['PROMISE_STACKS'] === '1';
let counting = false;

const place = (): string =>
  (new Error().stack ?? '')
    .split('\n')
    .slice(2)
    .map((line) => line.trim().replace(/^at /, '').replace(`${process.cwd()}/`, ''))
    .filter((line) => !line.includes('async_hooks'))
    .slice(0, 2)
    .join(' <- ');

createHook({
  init(_id, type) {
    if (!counting) return;
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (stacks && type === 'PROMISE') {
      const where = place();
      byPlace.set(where, (byPlace.get(where) ?? 0) + 1);
    }
  },
}).enable();

process.on('SIGUSR2', () => {
  if (!counting) {
    byType.clear();
    byPlace.clear();
    counting = true;
    return;
  }
  counting = false;
  process.stderr.write(`PROMISE-COUNT ${JSON.stringify({ byType: Object.fromEntries(byType), byPlace: [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 60) })}\n`);
});
