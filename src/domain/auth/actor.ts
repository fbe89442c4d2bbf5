import { allows, type Permission } from '../roles/permission';

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
