/** What Nexus depends on at run time, as readiness names them. */
export type Dependency = 'database' | 'cache' | 'queue';

/**
 * A dependency cannot answer now (down, unreachable, or known to be so); the same request may
 * succeed later. Adapters throw it in place of their driver's connection errors, so nothing
 * above them knows a driver's error names; the HTTP edge answers 503 with `Retry-After`.
 */
export class DependencyUnavailable extends Error {
  override readonly name = 'DependencyUnavailable';
  constructor(
    readonly dependency: Dependency,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable: ${reason}`, options);
  }
}

/**
 * `target` with every rejection and throw that `isOutage` recognises turned into
 * `DependencyUnavailable`: for adapters whose every method talks to the same server.
 */
export const outagesAsUnavailable = <T extends object>(target: T, dependency: Dependency, isOutage: (err: unknown) => boolean): T => {
  const translate = (err: unknown): never => {
    if (err instanceof DependencyUnavailable || !isOutage(err)) throw err;
    throw new DependencyUnavailable(dependency, (err as Error).message, { cause: err });
  };
  const proxy: T = new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          // Fluent methods (a cursor's `sort`, `limit`) return their object: keep it translated.
          if (result === obj) return proxy;
          return result instanceof Promise ? result.catch(translate) : result;
        } catch (err) {
          return translate(err);
        }
      };
    },
  });
  return proxy;
};
