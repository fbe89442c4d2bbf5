import { expect } from 'chai';
import type { AuditLog } from '../../src/application/ports/audit-log.port';
import type { Tx, UnitOfWork } from '../../src/application/ports/unit-of-work.port';
import type { AuditEntry } from '../../src/domain/audit/audit-entry';
import { newId } from '../support/builders/user.builder';

export type MakeUnitOfWork = () => Promise<{
  unitOfWork: UnitOfWork;
  /** Whether the store under it really has transactions, found out without asking the adapter. */
  storeHasTransactions: boolean;
  /** A store of the same technology whose writes take the unit's transaction, to see what a failed unit leaves. */
  log: AuditLog;
}>;

/**
 * What every UnitOfWork must do. `atomic` is a promise to use cases: true means a failed unit
 * leaves none of its writes; false means the writes that ran stay and the use case compensates.
 * Both are asserted, so a fake cannot claim what the real store does not do, nor the reverse.
 */
export const unitOfWorkContract = (name: string, make: MakeUnitOfWork): void => {
  describe(`UnitOfWork contract :: ${name}`, () => {
    let unitOfWork: UnitOfWork;
    let storeHasTransactions: boolean;
    let log: AuditLog;
    beforeEach(async () => {
      ({ unitOfWork, storeHasTransactions, log } = await make());
    });

    const entry = (actorId: string): AuditEntry => ({ id: newId(), actorId, action: 'role.created', target: { type: 'role', id: null }, requestId: null, at: new Date() });
    const writesBy = async (actorId: string) => (await log.list({ actorId, page: 1, limit: 10 })).total;

    it('resolves with what the work resolved with', async () => {
      const result = { answer: 42 };
      expect(await unitOfWork.run(async () => result)).to.equal(result);
    });

    it('rejects with the error the work threw, having run it once', async () => {
      const failure = new Error('the work failed');
      let runs = 0;

      const error = await unitOfWork
        .run(async () => {
          runs += 1;
          throw failure;
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );

      expect(error).to.equal(failure);
      expect(runs).to.equal(1);
    });

    it('runs a successful unit once and keeps its writes', async () => {
      const actor = newId();
      let runs = 0;

      await unitOfWork.run(async (tx) => {
        runs += 1;
        await log.append(entry(actor), tx);
        await log.append(entry(actor), tx);
      });

      expect(runs).to.equal(1);
      expect(await writesBy(actor)).to.equal(2);
    });

    it('says it is atomic exactly when its store has transactions', () => {
      expect(unitOfWork.atomic).to.equal(storeHasTransactions);
    });

    it('hands the work a transaction exactly when it says it is atomic', async () => {
      let given: Tx | undefined | 'not run' = 'not run';
      await unitOfWork.run(async (tx) => {
        given = tx;
      });
      if (unitOfWork.atomic) expect(given).to.not.equal(undefined).and.not.equal('not run');
      else expect(given).to.equal(undefined);
    });

    it('undoes every write of a failed unit when atomic, and leaves them for the use case to compensate when not', async () => {
      const actor = newId();

      const abort = new Error('abort after two writes');

      const error = await unitOfWork
        .run(async (tx) => {
          await log.append(entry(actor), tx);
          await log.append(entry(actor), tx);
          throw abort;
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );

      expect(error).to.equal(abort);
      expect(await writesBy(actor)).to.equal(unitOfWork.atomic ? 0 : 2);
    });
  });
};
