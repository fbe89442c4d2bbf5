import type { ActiveTotp, MfaState, MfaStore, PendingTotp } from '../../application/ports/mfa-store.port';

/**
 * TOTP state in this process's memory. Every method checks and writes without awaiting in
 * between, so each is atomic; values are replaced, never changed in place.
 */
export class InMemoryMfaStore implements MfaStore {
  private readonly states = new Map<string, MfaState>();
  /** The recent steps of each TOTP (pending or active) whose codes were accepted. */
  private readonly usedSteps = new Map<string, readonly number[]>();

  async find(userId: string): Promise<MfaState | null> {
    return structuredClone(this.states.get(userId) ?? null);
  }

  async setPending(userId: string, pending: PendingTotp): Promise<'started' | 'already-active'> {
    const state = this.states.get(userId);
    if (state?.active) return 'already-active';
    this.states.set(userId, { userId, active: null, pending: structuredClone(pending) });
    return 'started';
  }

  async activate(userId: string, pendingId: string, active: Pick<ActiveTotp, 'enabledAt' | 'recoveryCodeHashes' | 'lastUsedStep'>): Promise<boolean> {
    const state = this.states.get(userId);
    if (!state?.pending || state.pending.id !== pendingId || state.active) return false;
    const { id, sealedSecret } = state.pending;
    this.states.set(userId, { userId, pending: null, active: { id, sealedSecret, ...structuredClone(active) } });
    return true;
  }

  async disable(userId: string): Promise<boolean> {
    const state = this.states.get(userId);
    if (!state) return false;
    this.states.delete(userId);
    for (const id of [state.active?.id, state.pending?.id]) if (id) this.usedSteps.delete(id);
    return state.active !== null;
  }

  async claimStep(userId: string, totpId: string, step: number): Promise<boolean> {
    const state = this.states.get(userId);
    const active = state?.active?.id === totpId ? state.active : null;
    if (active && active.lastUsedStep >= step) return false;
    const used = this.usedSteps.get(totpId) ?? [];
    if (used.includes(step)) return false;
    // Steps more than two before this one can no longer be presented (one step either side).
    this.usedSteps.set(totpId, [...used.filter((s) => s >= step - 2), step]);
    if (state && active) this.states.set(userId, { ...state, active: { ...active, lastUsedStep: step } });
    return true;
  }

  async useRecoveryCode(userId: string, totpId: string, codeHash: string): Promise<boolean> {
    const state = this.states.get(userId);
    const active = state?.active;
    if (!state || !active || active.id !== totpId || !active.recoveryCodeHashes.includes(codeHash)) return false;
    this.states.set(userId, { ...state, active: { ...active, recoveryCodeHashes: active.recoveryCodeHashes.filter((h) => h !== codeHash) } });
    return true;
  }
}
