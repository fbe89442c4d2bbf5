import type { User } from '../../domain/users/user';

/** Cache keys for users: `user:<id>`. Values are users as JSON, dates as ISO strings. */
export const userCacheKey = (id: string): string => `user:${id}`;
export const USER_CACHE_TTL_SECONDS = 300;

export type CachedUser = Omit<User, 'createdAt' | 'updatedAt' | 'deletedAt'> & {
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};

export const toCachedUser = (u: User): CachedUser => ({
  ...u,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
  deletedAt: u.deletedAt ? u.deletedAt.toISOString() : null,
});

export const fromCachedUser = (c: CachedUser): User => ({
  ...c,
  createdAt: new Date(c.createdAt),
  updatedAt: new Date(c.updatedAt),
  deletedAt: c.deletedAt === null ? null : new Date(c.deletedAt),
});
