import { createHash } from 'node:crypto';
import type { ListMeta } from '../../../domain/shared/pagination';
import type { User, UserId } from '../../../domain/users/user';
import type { EntityTag } from '../conditional';
import { presentUser } from './users.presenter';

/**
 * A user's representation is a function of its stored fields, and every write bumps `version`,
 * so `(id, version)` names one representation: a strong ETag that costs no hashing. The
 * presenter's own shape is folded in too (a fingerprint of what it makes of a fixed user), so a
 * release that presents users differently changes every ETag instead of answering 304 with a
 * stale shape.
 */
const PROBE: User = {
  id: '000000000000000000000000' as UserId,
  name: 'Probe',
  email: 'probe@example.com' as User['email'],
  age: 1,
  status: 'active',
  emailVerified: true,
  emailVerifiedAt: new Date(0),
  roleIds: ['000000000000000000000001'],
  isDeleted: false,
  deletedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 1,
};
const REPRESENTATION = createHash('sha256').update(JSON.stringify(presentUser(PROBE))).digest('hex').slice(0, 8);

/** `"<id>-<version>-<representation>"`. */
export const userETag = (user: Pick<User, 'id' | 'version'>): string => `"${user.id}-${user.version}-${REPRESENTATION}"`;

const USER_ETAG = /^"([0-9a-f]{24})-(\d{1,15})-([0-9a-f]{8})"$/;

/**
 * The versions of user `id` that `If-Match` names: strong tags of this user in the current
 * representation (If-Match compares strongly: a weak tag never matches). Empty when none can
 * match, which makes the write a 412 once the user is found.
 */
export const versionsNamed = (tags: readonly EntityTag[], id: UserId): number[] =>
  tags.flatMap((tag) => {
    const m = tag.weak ? null : USER_ETAG.exec(tag.opaque);
    return m && m[1] === id && m[3] === REPRESENTATION ? [Number(m[2])] : [];
  });

/**
 * A list page's strong ETag: a digest of every shown user's id and version and of the page's
 * meta (totals and the next cursor included), in the current representation.
 */
export const listETag = (users: readonly Pick<User, 'id' | 'version'>[], meta: ListMeta): string => {
  const hash = createHash('sha256').update(REPRESENTATION).update(JSON.stringify(meta));
  for (const u of users) hash.update(`|${u.id}:${u.version}`);
  return `"l-${hash.digest('base64url').slice(0, 27)}"`;
};
