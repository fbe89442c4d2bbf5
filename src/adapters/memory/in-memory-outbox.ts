import { randomUUID } from 'node:crypto';
import type { ClaimedMessage, OutboxMessage, OutboxStore } from '../../application/ports/outbox.port';

interface Row {
  readonly message: OutboxMessage;
  status: 'pending' | 'claimed' | 'relayed';
  dueAt: number;
  claim?: string;
  attempts: number;
  relayedAt?: number;
}

/** The embedded profile's outbox. One thread, so every method is atomic by construction. */
export class InMemoryOutboxStore implements OutboxStore {
  private readonly rows = new Map<string, Row>();

  async add(message: OutboxMessage): Promise<void> {
    if (this.rows.has(message.id)) throw new Error(`outbox message ${message.id} exists`);
    this.rows.set(message.id, { message: structuredClone(message), status: 'pending', dueAt: message.createdAt.getTime(), attempts: 0 });
  }

  async addClaimed(message: OutboxMessage, now: Date, leaseMs: number): Promise<ClaimedMessage> {
    await this.add(message);
    const row = this.rows.get(message.id)!;
    row.status = 'claimed';
    row.claim = randomUUID();
    row.dueAt = now.getTime() + leaseMs;
    row.attempts = 1;
    return { ...structuredClone(row.message), claim: row.claim, attempts: 1 };
  }

  async claim(now: Date, leaseMs: number, id?: string): Promise<ClaimedMessage | null> {
    const due = (r: Row) => r.status !== 'relayed' && r.dueAt <= now.getTime();
    const candidates = id === undefined ? [...this.rows.values()].filter(due).sort((a, b) => a.dueAt - b.dueAt) : [this.rows.get(id)].filter((r): r is Row => !!r && due(r));
    const row = candidates[0];
    if (!row) return null;
    row.status = 'claimed';
    row.claim = randomUUID();
    row.dueAt = now.getTime() + leaseMs;
    row.attempts += 1;
    return { ...structuredClone(row.message), claim: row.claim, attempts: row.attempts };
  }

  async markRelayed(id: string, claim: string, now: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.status !== 'claimed' || row.claim !== claim) return false;
    row.status = 'relayed';
    row.relayedAt = now.getTime();
    return true;
  }

  async release(id: string, claim: string, dueAt: Date): Promise<void> {
    const row = this.rows.get(id);
    if (!row || row.status !== 'claimed' || row.claim !== claim) return;
    row.status = 'pending';
    row.dueAt = dueAt.getTime();
  }

  async discard(id: string): Promise<void> {
    this.rows.delete(id);
  }

  async pending(): Promise<number> {
    return [...this.rows.values()].filter((r) => r.status !== 'relayed').length;
  }

  async purgeRelayed(before: Date): Promise<number> {
    let removed = 0;
    for (const [id, row] of this.rows) {
      if (row.status === 'relayed' && (row.relayedAt ?? 0) < before.getTime()) removed += Number(this.rows.delete(id));
    }
    return removed;
  }
}
