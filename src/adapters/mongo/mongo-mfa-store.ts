import type { Collection } from 'mongodb';
import type { ActiveTotp, MfaState, MfaStore, PendingTotp } from '../../application/ports/mfa-store.port';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

export const MFA_COLLECTION = 'mfa_totp';
export const MFA_CLAIMS_COLLECTION = 'mfa_totp_claims';

/** One per user that ever started an enrolment; `_id` is the user id. */
interface MfaDocument {
  _id: string;
  pending: PendingTotp | null;
  active: ActiveTotp | null;
}

/**
 * What was used once and must never be used again: a time step of a TOTP, a recovery code (by
 * digest), the confirmation of an enrolment. The unique `_id` is the claim.
 */
interface ClaimDocument {
  _id: string;
  userId: string;
  totpId: string;
  kind: 'step' | 'recovery-code' | 'activation';
  step?: number;
  at: Date;
}

/** A used step is kept while a code of it could still be presented on some instance (one step either side, plus a step of clock skew). */
const KEEP_STEPS = 3;

/**
 * TOTP state in MongoDB. "Exactly once" (a step, a recovery code, a confirmation) is the insert
 * of a claim document with a unique `_id`, which is atomic on MongoDB and on FerretDB v1 alike;
 * FerretDB's conditional updates read and then write, so two callers could both "win" those.
 * The state document's `lastUsedStep` and remaining recovery codes follow the claims.
 */
export class MongoMfaStore implements MfaStore {
  private readonly states: Collection<MfaDocument>;
  private readonly claims: Collection<ClaimDocument>;

  constructor(database: MongoDatabase) {
    this.states = database.db.collection<MfaDocument>(MFA_COLLECTION);
    this.claims = database.db.collection<ClaimDocument>(MFA_CLAIMS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.claims, 'mfa_totp_claims');
  }

  async find(userId: string): Promise<MfaState | null> {
    const doc = await this.states.findOne({ _id: userId });
    return doc ? { userId: doc._id, pending: doc.pending ?? null, active: doc.active ?? null } : null;
  }

  async setPending(userId: string, pending: PendingTotp): Promise<'started' | 'already-active'> {
    const state = await this.find(userId);
    if (state?.active) return 'already-active';
    try {
      // Matches only while TOTP is off; with TOTP on, the upsert's insert collides on `_id`.
      await this.states.updateOne({ _id: userId, active: null }, { $set: { pending: { ...pending } } }, { upsert: true });
      return 'started';
    } catch (err) {
      if (isDuplicateKey(err)) return 'already-active';
      throw err;
    }
  }

  async activate(userId: string, pendingId: string, active: Pick<ActiveTotp, 'enabledAt' | 'recoveryCodeHashes' | 'lastUsedStep'>): Promise<boolean> {
    const state = await this.find(userId);
    if (!state?.pending || state.pending.id !== pendingId || state.active) return false;
    if (!(await this.claim({ _id: `${pendingId}:activation`, userId, totpId: pendingId, kind: 'activation', at: active.enabledAt }))) return false;
    const next: ActiveTotp = { id: pendingId, sealedSecret: state.pending.sealedSecret, enabledAt: active.enabledAt, recoveryCodeHashes: [...active.recoveryCodeHashes], lastUsedStep: active.lastUsedStep };
    const result = await this.states.updateOne({ _id: userId, 'pending.id': pendingId, active: null }, { $set: { active: next, pending: null } });
    return result.matchedCount === 1;
  }

  async disable(userId: string): Promise<boolean> {
    const state = await this.find(userId);
    if (!state) return false;
    await this.states.deleteOne({ _id: userId });
    await this.claims.deleteMany({ userId });
    return state.active !== null;
  }

  async claimStep(userId: string, totpId: string, step: number, at: Date): Promise<boolean> {
    const state = await this.find(userId);
    const active = state?.active?.id === totpId ? state.active : null;
    if (active && active.lastUsedStep >= step) return false;
    if (!(await this.claim({ _id: `${totpId}:step:${step}`, userId, totpId, kind: 'step', step, at }))) return false;
    if (active) await this.states.updateOne({ _id: userId, 'active.id': totpId, 'active.lastUsedStep': { $lt: step } }, { $set: { 'active.lastUsedStep': step } });
    await this.claims.deleteMany({ totpId, kind: 'step', step: { $lt: step - KEEP_STEPS } });
    return true;
  }

  async useRecoveryCode(userId: string, totpId: string, codeHash: string, at: Date): Promise<boolean> {
    const state = await this.find(userId);
    const active = state?.active;
    if (!active || active.id !== totpId || !active.recoveryCodeHashes.includes(codeHash)) return false;
    if (!(await this.claim({ _id: `${totpId}:recovery-code:${codeHash}`, userId, totpId, kind: 'recovery-code', at }))) return false;
    await this.states.updateOne({ _id: userId, 'active.id': totpId }, { $pull: { 'active.recoveryCodeHashes': codeHash } });
    return true;
  }

  /** True when this call inserted the claim; false when it existed (someone else won). */
  private async claim(doc: ClaimDocument): Promise<boolean> {
    try {
      await this.claims.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
