// Times every call a use case makes on its ports, by port and method: what register-phases.ts
// and login-phases.ts report.

/** Each `port.method` label's durations in ms (and whatever else a bench records by label). */
export const timings = new Map<string, number[]>();

export const record = (label: string, ms: number): void => {
  const list = timings.get(label) ?? [];
  list.push(ms);
  timings.set(label, list);
};

/** `target` with each method call timed under `port.method` (synchronous ones too). */
export const timed = <T extends object>(target: T, port: string): T =>
  new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        const t = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (result instanceof Promise) return result.finally(() => record(`${port}.${prop}`, performance.now() - t));
        record(`${port}.${prop}`, performance.now() - t);
        return result;
      };
    },
  });

/** The `p` quantile of an ascending list. */
export const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
