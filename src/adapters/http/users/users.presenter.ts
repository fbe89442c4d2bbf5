import type { User } from '../../../domain/users/user';
import { immutable } from '../envelope';
import type { UserView } from '../openapi/views';

/** The public shape of a user. Built field by field, so nothing new leaks by default. */
const present = (u: User): UserView => ({
  id: u.id,
  name: u.name,
  email: u.email,
  emailVerified: u.emailVerified,
  emailVerifiedAt: u.emailVerifiedAt?.toISOString() ?? null,
  age: u.age,
  status: u.status,
  roleIds: u.roleIds,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

/** The views of frozen users: one per user object, frozen too, kept as long as the user is. */
const views = new WeakMap<User, UserView>();

/**
 * The public shape of a user. A frozen user is one object shared by every request that reads
 * it (a user made from a shared cache entry: see CachedUserLookup), and it cannot change, so
 * its view is made once (its dates' ISO strings included) and shared, frozen (and its envelope
 * serialised once: see `immutable` in envelope.ts); any other user
 * is presented afresh.
 */
export const presentUser = (u: User): UserView => {
  if (!Object.isFrozen(u)) return present(u);
  let view = views.get(u);
  if (view === undefined) {
    view = Object.freeze(present(u));
    // Strings, numbers, booleans and the user's roleIds: nothing in it can change once those are frozen too.
    if (Object.isFrozen(u.roleIds)) immutable(view);
    views.set(u, view);
  }
  return view;
};
