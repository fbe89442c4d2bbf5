import { allows, grantsEverything, type Permission } from '../roles/permission';

/** Who is acting, as established by authentication; passed to use cases as a plain argument. */
export interface Actor {
  readonly userId: string;
  readonly permissions: readonly Permission[];
  readonly via: 'token' | 'api-key';
  readonly apiKeyId?: string;
  /** The session (refresh-token family) behind an access token; absent for API keys. */
  readonly sessionId?: string;
}

export const can = (actor: Actor, resource: string, action: string): boolean => allows(actor.permissions, { resource, action });

export const isSelf = (actor: Actor, userId: string): boolean => actor.userId === userId;

/**
 * API keys never manage credentials (API keys, passwords, sessions, MFA), whatever their scope:
 * a leaked key must not be able to mint more keys or lock its owner out.
 */
export const mayManageCredentials = (actor: Actor): boolean => actor.via !== 'api-key';

/** The "it is me" shortcut is for people signed in with a token; a key acts only within its scope. */
export const actsAsSelf = (actor: Actor, userId: string): boolean => actor.via === 'token' && isSelf(actor, userId);

export const holdsEverything = (actor: Actor): boolean => grantsEverything(actor.permissions);
