import { ObjectId } from 'mongodb';
import { type Email, emailKey } from '../../domain/users/email';
import { trustedId } from '../../domain/shared/id';
import { parseUserId, type User, type UserStatus } from '../../domain/users/user';

/**
 * A user as stored. `email` is the normalised key (NFC, case-folded), so the unique index holds
 * one entry per mailbox however it was spelled.
 */
export interface UserDocument {
  _id: ObjectId;
  name: string;
  /** Lower-cased name: what prefix search and name sorting use. */
  nameLower: string;
  email: string;
  /** Absent on documents written before e-mail verification existed: those read as unverified. */
  emailVerified?: boolean;
  emailVerifiedAt?: Date | null;
  age: number | null;
  status: UserStatus;
  roleIds: ObjectId[];
  isDeleted: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** Secrets: stored here, never projected out by the repository's reads. */
  passwordHash?: string;
  passwordHistory?: { hash: string; changedAt: Date }[];
}

export const USERS_COLLECTION = 'users';

/** Every read uses this, so secrets cannot leave the repository by accident. */
export const PUBLIC_USER_FIELDS = { passwordHash: 0, passwordHistory: 0, nameLower: 0 } as const;

export const toUserDocument = (u: User): UserDocument => ({
  _id: new ObjectId(u.id),
  name: u.name,
  nameLower: u.name.normalize('NFC').toLowerCase(),
  email: emailKey(u.email),
  emailVerified: u.emailVerified,
  emailVerifiedAt: u.emailVerifiedAt,
  age: u.age,
  status: u.status,
  roleIds: u.roleIds.map((id) => new ObjectId(id)),
  isDeleted: u.isDeleted,
  deletedAt: u.deletedAt,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  version: u.version,
});

export const fromUserDocument = (d: UserDocument): User => ({
  id: trustedId(parseUserId, d._id.toHexString()),
  name: d.name,
  email: d.email as Email,
  emailVerified: d.emailVerified === true,
  emailVerifiedAt: d.emailVerified === true ? (d.emailVerifiedAt ?? null) : null,
  age: d.age ?? null,
  status: d.status,
  roleIds: (d.roleIds ?? []).map((id) => id.toHexString()),
  isDeleted: d.isDeleted,
  deletedAt: d.deletedAt ?? null,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  version: d.version,
});
