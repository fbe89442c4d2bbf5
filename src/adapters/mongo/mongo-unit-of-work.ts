import type { Tx, UnitOfWork } from '../../application/ports/unit-of-work.port';
import { type MongoDatabase } from './mongo-database';

/** Real transactions on a replica set or mongos; on anything else (FerretDB), `atomic: false`. */
export class MongoUnitOfWork implements UnitOfWork {
  constructor(private readonly database: MongoDatabase) {}
  get atomic(): boolean {
    return this.database.supportsTransactions;
  }
  run<T>(work: (tx: Tx | undefined) => Promise<T>): Promise<T> {
    return this.database.withTransaction((session) => work(session as unknown as Tx | undefined));
  }
}
