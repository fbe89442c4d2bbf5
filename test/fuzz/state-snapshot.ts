import type { Container } from 'inversify';
import { TYPES } from '../../src/application/symbols';

/**
 * What the embedded profile has stored, read straight from the container's in-memory adapters,
 * so "a refused request changes nothing" is checked against the data itself, not against what
 * the API chooses to show.
 *
 * Every port bound to an `InMemory*` adapter is included, field by field (its Maps, Sets and
 * arrays), so an adapter added later (an outbox, a session store) is covered without a change
 * here. The in-process job queue contributes its job counter only: jobs accepted earlier run
 * and finish in the background, but a refused request must never add one. Caches and rate
 * limiters are not records and are left out; so are `lastUsedAt` stamps, which an API key
 * earns by being presented, whatever the answer, and which are written off the request's path.
 */
export type Snapshot = ReadonlyMap<string, ReadonlyMap<string, string>>;

export interface Change {
  readonly where: string;
  readonly key: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

const IGNORED_FIELDS = new Set(['lastUsedAt']);

/** JSON of a stored value, cached by identity: the adapters replace values, never mutate them. */
const cache = new WeakMap<object, string>();
const canonical = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const known = cache.get(value);
  if (known !== undefined) return known;
  const json = JSON.stringify(value, (k, v: unknown) => (IGNORED_FIELDS.has(k) ? undefined : v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v.values()] : v));
  cache.set(value, json);
  return json;
};

const fieldsOf = (adapter: object): [string, Map<string, string>][] =>
  Object.entries(adapter).flatMap(([field, value]): [string, Map<string, string>][] => {
    if (value instanceof Map) return [[field, new Map([...value.entries()].map(([k, v]) => [String(k), canonical(v)]))]];
    if (value instanceof Set) return [[field, new Map([...value.values()].map((v) => [canonical(v), '']))]];
    if (Array.isArray(value)) return [[field, new Map(value.map((v, i) => [String(i), canonical(v)]))]];
    return [];
  });

/** The stores behind every port symbol of the container that is bound to an in-memory adapter. */
export const storesOf = (container: Container): Map<string, object> => {
  const stores = new Map<string, object>();
  for (const [port, symbol] of Object.entries(TYPES)) {
    if (typeof symbol !== 'symbol' || !container.isBound(symbol)) continue;
    let value: unknown;
    try {
      value = container.get(symbol);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const className = value.constructor.name;
    if (className.startsWith('InMemory') || className === 'InProcessJobQueue') stores.set(`${port}(${className})`, value);
  }
  return stores;
};

export const takeSnapshot = (stores: ReadonlyMap<string, object>): Snapshot => {
  const snapshot = new Map<string, Map<string, string>>();
  for (const [name, adapter] of stores) {
    if (adapter.constructor.name === 'InProcessJobQueue') {
      snapshot.set(`${name}.jobsAdded`, new Map([['seq', String((adapter as { seq?: number }).seq)]]));
      continue;
    }
    for (const [field, entries] of fieldsOf(adapter)) snapshot.set(`${name}.${field}`, entries);
  }
  return snapshot;
};

export const changesBetween = (before: Snapshot, after: Snapshot): Change[] => {
  const changes: Change[] = [];
  for (const where of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(where) ?? new Map<string, string>();
    const a = after.get(where) ?? new Map<string, string>();
    for (const key of new Set([...b.keys(), ...a.keys()])) {
      if (b.get(key) !== a.get(key)) changes.push({ where, key, before: b.get(key), after: a.get(key) });
    }
  }
  return changes;
};
