import * as E from 'fp-ts/Either';

/** `resource:action`, e.g. `users:read`; `*` in either part matches anything. */
export interface Permission {
  readonly resource: string;
  readonly action: string;
}

const PART = /^(\*|[a-z][a-z0-9-]{0,39})$/;

export const parsePermission = (p: { resource: string; action: string }): E.Either<string, Permission> =>
  PART.test(p.resource) && PART.test(p.action)
    ? E.right({ resource: p.resource, action: p.action })
    : E.left('resource and action must be lowercase words (letters, digits, -) or *');

export const permissionKey = (p: Permission): string => `${p.resource}:${p.action}`;

const partCovers = (held: string, wanted: string): boolean => held === '*' || held === wanted;

/** Does holding `held` allow `wanted`? A wildcard is only covered by a wildcard. */
export const covers = (held: Permission, wanted: Permission): boolean =>
  partCovers(held.resource, wanted.resource) && partCovers(held.action, wanted.action);

export const allows = (held: readonly Permission[], wanted: Permission): boolean => held.some((h) => covers(h, wanted));

/** Every permission in `wanted` that `held` does not cover: what granting it would escalate. */
export const notCovered = (held: readonly Permission[], wanted: readonly Permission[]): Permission[] => wanted.filter((w) => !allows(held, w));

/** The union of several roles' permissions, without duplicates, in a stable order. */
export const unionOf = (sets: readonly (readonly Permission[])[]): Permission[] => {
  const seen = new Map<string, Permission>();
  for (const set of sets) for (const p of set) seen.set(permissionKey(p), p);
  return [...seen.values()].sort((a, b) => permissionKey(a).localeCompare(permissionKey(b)));
};

/** Only the permissions of `wanted` that `held` covers (an API key never exceeds its owner). */
export const intersect = (held: readonly Permission[], wanted: readonly Permission[]): Permission[] => wanted.filter((w) => allows(held, w));

export const dedupe = (ps: readonly Permission[]): Permission[] => unionOf([ps]);

/** `*:*`: every permission. Whoever holds it can grant anything, so someone always must. */
export const EVERYTHING: Permission = { resource: '*', action: '*' };

export const grantsEverything = (ps: readonly Permission[]): boolean => ps.some((p) => p.resource === EVERYTHING.resource && p.action === EVERYTHING.action);
