import type { User } from '../../../domain/users/user';
import type { UserView } from '../openapi/views';

/** The public shape of a user. Built field by field, so nothing new leaks by default. */
export const presentUser = (u: User): UserView => ({
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
