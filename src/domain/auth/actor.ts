import { allows, grantsEverything, type Permission } from '../roles/permission';
import type { User } from '../users/user';

/** Who is acting, as established by authentication; passed to use cases as a plain argument. */
export interface Actor {
  readonly userId: string;
  readonly permissions: readonly Permission[];
  /** `system` is work Nexus does on its own (a scheduled job), holding only what it names. */
  readonly via: 'token' | 'api-key' | 'system';
  readonly apiKeyId?: string;
  /** The session (refresh-token family) behind an access token; absent for API keys. */
  readonly sessionId?: string;
  /**
   * The caller's own account as authentication loaded it (active, not deleted), handed on so a
   * use case about the caller need not load it again; absent when the actor was built elsewhere.
   */
  readonly user?: User;
}

/** A scheduled job acting as nobody: no self, no credentials, only the permissions given. */
export const systemActor = (job: string, permissions: readonly Permission[]): Actor => ({ userId: `system:${job}`, permissions, via: 'system' });

export const can = (actor: Actor, resource: string, action: string): boolean => allows(actor.permissions, { resource, action });

export const isSelf = (actor: Actor, userId: string): boolean => actor.userId === userId;

/**
 * API keys never manage credentials (API keys, passwords, sessions, MFA), whatever their scope:
 * a leaked key must not be able to mint more keys or lock its owner out. Nor does a system actor.
 */
export const mayManageCredentials = (actor: Actor): boolean => actor.via === 'token';

/** The "it is me" shortcut is for people signed in with a token; a key acts only within its scope. */
export const actsAsSelf = (actor: Actor, userId: string): boolean => actor.via === 'token' && isSelf(actor, userId);

export const holdsEverything = (actor: Actor): boolean => grantsEverything(actor.permissions);
