import type { MfaChallenge, MfaChallengeStore } from '../../application/ports/mfa-challenge-store.port';

/** Login challenges in this process's memory; expired ones are dropped as new ones arrive. */
export class InMemoryMfaChallengeStore implements MfaChallengeStore {
  private readonly challenges = new Map<string, MfaChallenge & { readonly spentAt: Date | null }>();

  async insert(challenge: MfaChallenge): Promise<void> {
    for (const [hash, c] of this.challenges) if (c.expiresAt.getTime() <= challenge.createdAt.getTime()) this.challenges.delete(hash);
    this.challenges.set(challenge.tokenHash, { ...structuredClone(challenge), spentAt: null });
  }

  async findLive(tokenHash: string, at: Date): Promise<MfaChallenge | null> {
    const c = this.challenges.get(tokenHash);
    if (!c || c.spentAt || c.expiresAt.getTime() <= at.getTime()) return null;
    const { spentAt: _spentAt, ...challenge } = c;
    return structuredClone(challenge);
  }

  async spend(tokenHash: string, at: Date): Promise<boolean> {
    const c = this.challenges.get(tokenHash);
    if (!c || c.spentAt || c.expiresAt.getTime() <= at.getTime()) return false;
    this.challenges.set(tokenHash, { ...c, spentAt: at });
    return true;
  }
}
