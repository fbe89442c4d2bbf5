import type { ApiKey } from '../../domain/api-keys/api-key';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { RefreshToken } from '../../domain/auth/session';
import type { Permission } from '../../domain/roles/permission';
import type { Role } from '../../domain/roles/role';

// Documents keep the entity's string id as `_id`: ids are ObjectId-shaped in every profile, and
// these collections are never joined in the database.
export type RoleDocument = Omit<Role, 'id'> & { _id: string };

export type SessionDocument = Omit<RefreshToken, 'id'> & { _id: string };

export type ApiKeyDocument = Omit<ApiKey, 'id'> & { _id: string };

export type AuditDocument = Omit<AuditEntry, 'id'> & { _id: string };

export const withId = <T extends { _id: string }>({ _id, ...rest }: T): Omit<T, '_id'> & { id: string } => ({ id: _id, ...rest });

export const plain = (ps: readonly Permission[]): Permission[] => ps.map((p) => ({ resource: p.resource, action: p.action }));
