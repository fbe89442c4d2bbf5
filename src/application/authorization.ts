import * as E from 'fp-ts/Either';
import { type Actor, can, mayManageCredentials } from '../domain/auth/actor';
import { apiKeyCannotManageCredentials, type AuthError, cannotGrant, cannotManageUser, permissionDenied } from '../domain/auth/auth.errors';
import { notCovered, type Permission } from '../domain/roles/permission';

/** Right(undefined) when the actor may; Left(PermissionDenied) naming what was missing. */
export const authorize = (actor: Actor, resource: string, action: string): E.Either<AuthError, void> =>
  can(actor, resource, action) ? E.right(undefined) : E.left(permissionDenied(`${resource}:${action}`));

/**
 * Right(undefined) unless the actor is an API key: credentials (API keys, password, sessions,
 * MFA) are managed only by a person signed in, whatever a key's scope says.
 */
export const refuseApiKey = (actor: Actor): E.Either<AuthError, void> => (mayManageCredentials(actor) ? E.right(undefined) : E.left(apiKeyCannotManageCredentials));

/**
 * Right(undefined) when the actor holds every permission the target user holds: changing who
 * someone is (e-mail, name, status) or deleting them reaches as far as their permissions do, so
 * a delegated manager can never lock out, rename or remove someone above them.
 */
export const refuseOutranked = (actor: Actor, targetPermissions: readonly Permission[]): E.Either<AuthError, void> => {
  const above = notCovered(actor.permissions, targetPermissions);
  return above.length > 0 ? E.left(cannotManageUser(above)) : E.right(undefined);
};

/** Right(undefined) when the actor holds every one of `permissions`: nobody hands out more than they hold. */
export const refuseEscalation = (actor: Actor, permissions: readonly Permission[]): E.Either<AuthError, void> => {
  const escalation = notCovered(actor.permissions, permissions);
  return escalation.length > 0 ? E.left(cannotGrant(escalation)) : E.right(undefined);
};
