import type { ApiKey } from '../../domain/api-keys/api-key';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { Permission } from '../../domain/roles/permission';
import type { Role } from '../../domain/roles/role';
import type { ApiKeyView, AuditEntryView, PermissionView, RoleView } from './openapi/views';

// Public shapes, built field by field so nothing new (a hash, a secret) leaks by default.

export const presentPermission = (p: Permission): PermissionView => ({ resource: p.resource, action: p.action });

export const presentRole = (r: Role): RoleView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  permissions: r.permissions.map(presentPermission),
  system: r.system,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const presentApiKey = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  permissions: k.permissions.map(presentPermission),
  createdAt: k.createdAt.toISOString(),
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export const presentAudit = (e: AuditEntry): AuditEntryView => ({
  id: e.id,
  actorId: e.actorId,
  action: e.action,
  target: e.target,
  ...(e.before === undefined ? {} : { before: e.before }),
  ...(e.after === undefined ? {} : { after: e.after }),
  requestId: e.requestId,
  at: e.at.toISOString(),
});
