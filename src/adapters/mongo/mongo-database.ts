import { type ClientSession, type Collection, type Db, type Document, type IndexDescription, MongoClient } from 'mongodb';

export interface MongoOptions {
  readonly url: string;
  readonly dbName?: string;
  readonly connectTimeoutMs?: number;
}

/**
 * One MongoDB connection pool and what the server can do. Transactions are used only when the
 * server really runs them (a replica set member or mongos): FerretDB v1 accepts transaction
 * fields but ignores them, so a "transaction" there would be neither atomic nor rolled back.
 */
export class MongoDatabase {
  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    readonly supportsTransactions: boolean,
  ) {}

  static async connect(options: MongoOptions): Promise<MongoDatabase> {
    const timeout = options.connectTimeoutMs ?? 5000;
    const client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      appName: 'nexus',
    });
    try {
      await client.connect();
      const db = client.db(options.dbName);
      const hello = await db.admin().command({ hello: 1 });
      const supportsTransactions = typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
      return new MongoDatabase(client, db, supportsTransactions);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw new Error(`cannot reach MongoDB at ${redactUrl(options.url)}: ${(err as Error).message}`);
    }
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  /**
   * Runs `work` in a transaction where the server has them, else runs it directly with no
   * session; callers that need all-or-nothing without transactions order their writes so that
   * a crash part-way leaves a state they can detect and finish.
   */
  async withTransaction<T>(work: (session: ClientSession | undefined) => Promise<T>): Promise<T> {
    if (!this.supportsTransactions) return work(undefined);
    const session = this.client.startSession();
    try {
      return await session.withTransaction(() => work(session));
    } finally {
      await session.endSession();
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** `mongodb://user:secret@host` -> `mongodb://***@host`: credentials never reach a log. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * Creates the indexes a collection lacks. Asking again for an index that exists is harmless on
 * MongoDB but crashes the connection on FerretDB v1, so we only ever ask for missing ones.
 */
export const ensureIndexes = async <T extends Document>(collection: Collection<T>, wanted: readonly (IndexDescription & { name: string })[]): Promise<void> => {
  const existing = new Set(
    (await collection.listIndexes().toArray().catch((err: { codeName?: string }) => {
      if (err.codeName === 'NamespaceNotFound') return [];
      throw err;
    })).map((i) => String(i['name'])),
  );
  const missing = wanted.filter((i) => !existing.has(i.name));
  if (missing.length > 0) await collection.createIndexes([...missing]);
};
