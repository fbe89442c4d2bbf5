import type { Role } from '../../domain/roles/role';

/** What the audit trail keeps of a role, before and after a change. */
export const roleSnapshot = (r: Role): { name: string; permissions: string[] } => ({ name: r.name, permissions: r.permissions.map((p) => `${p.resource}:${p.action}`) });
