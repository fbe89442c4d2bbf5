import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type IndexDescription,
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type TopologyDescriptionChangedEvent,
} from 'mongodb';
import { DependencyUnavailable, outagesAsUnavailable } from '../../application/ports/dependency-unavailable';

export interface MongoOptions {
  readonly url: string;
  readonly dbName?: string;
  readonly connectTimeoutMs?: number;
}

/** The driver's errors that mean "no server answers", as opposed to a refused or failed command. */
export const isMongoOutage = (err: unknown): boolean =>
  err instanceof MongoNetworkError || err instanceof MongoServerSelectionError || err instanceof MongoNotConnectedError || err instanceof MongoTopologyClosedError;

/**
 * How often the driver checks a server. While the database is down this also bounds how long
 * after it is back calls keep failing fast, so it is shorter than the driver's 10 s default.
 */
export const HEARTBEAT_MS = 2000;

/**
 * One MongoDB connection pool and what the server can do. Transactions are used only when the
 * server really runs them (a replica set member or mongos): FerretDB v1 accepts transaction
 * fields but ignores them, so a "transaction" there would be neither atomic nor rolled back.
 */
export class MongoDatabase {
  /**
   * Every call goes through this: while the driver's monitoring (SDAM) knows of no server that
   * holds data, calls fail at once with `DependencyUnavailable` instead of each waiting out
   * `serverSelectionTimeoutMS` before the same failure. A successful heartbeat ends that. The
   * driver's own connection errors become `DependencyUnavailable` too, cursors included.
   */
  readonly db: Db;
  private reachable = true;
  private readonly listeners: ((reachable: boolean) => void)[] = [];

  private constructor(
    readonly client: MongoClient,
    db: Db,
    readonly supportsTransactions: boolean,
    /**
     * Whether an update whose filter names a condition (`{_id, version}`) checks it and writes in
     * one step, as MongoDB does. FerretDB v1 reads the matches, then writes them, so two such
     * updates can both pass one condition; adapters that rely on it claim the step first.
     */
    readonly atomicConditionalUpdates: boolean,
  ) {
    this.db = failFast(db, () => this.ensureReachable(), { collection: (c) => failFast(c as Collection, () => this.ensureReachable()) });
    client.on('topologyDescriptionChanged', (event: TopologyDescriptionChangedEvent) => {
      // Data-bearing: a standalone, primary, secondary, mongos or load balancer. A replica set
      // mid-election still has secondaries, so calls wait for the new primary as usual.
      const reachable = event.newDescription.hasDataBearingServers;
      if (reachable === this.reachable) return;
      this.reachable = reachable;
      for (const listener of this.listeners) listener(reachable);
    });
  }

  /** Whether the driver currently knows of a server that can answer. */
  get isReachable(): boolean {
    return this.reachable;
  }

  /** Called when the database becomes unreachable, or reachable again (for a log line). */
  onReachabilityChange(listener: (reachable: boolean) => void): void {
    this.listeners.push(listener);
  }

  private ensureReachable(): void {
    if (!this.reachable) throw new DependencyUnavailable('database', 'no MongoDB server is reachable (the driver says so); not waiting for server selection');
  }

  static async connect(options: MongoOptions): Promise<MongoDatabase> {
    const timeout = options.connectTimeoutMs ?? 5000;
    const client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      heartbeatFrequencyMS: HEARTBEAT_MS,
      appName: 'nexus',
    });
    try {
      await client.connect();
      const db = client.db(options.dbName);
      const hello = await db.admin().command({ hello: 1 });
      const supportsTransactions = typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
      const build = await db.admin().command({ buildInfo: 1 });
      return new MongoDatabase(client, db, supportsTransactions, typeof build['ferretdbVersion'] !== 'string');
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
    this.ensureReachable();
    const session = this.client.startSession();
    try {
      return await session.withTransaction(() => work(session));
    } catch (err) {
      if (isMongoOutage(err)) throw new DependencyUnavailable('database', (err as Error).message, { cause: err });
      throw err;
    } finally {
      await session.endSession();
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * `target` with every method checking `ready()` first (it throws when the call cannot succeed).
 * `results` wraps what some methods return (the collections a Db hands out) instead of checking.
 */
const failFast = <T extends object>(target: T, ready: () => void, results: Record<string, (result: unknown) => unknown> = {}): T => {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop === 'symbol' || prop === 'constructor') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        const wrap = results[prop];
        fn = wrap
          ? (...args: unknown[]) => wrap(method.apply(obj, args))
          : (...args: unknown[]) => {
              ready();
              return asUnavailable(method.apply(obj, args));
            };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
};

/** A call's result with the driver's outage errors translated: promises, and cursors' methods. */
const asUnavailable = (result: unknown): unknown => {
  if (result instanceof Promise) return result.catch((err: unknown) => {
    throw isMongoOutage(err) ? new DependencyUnavailable('database', (err as Error).message, { cause: err }) : err;
  });
  if (typeof result === 'object' && result !== null && typeof (result as { toArray?: unknown }).toArray === 'function') return outagesAsUnavailable(result, 'database', isMongoOutage);
  return result;
};

/** The driver options that put a call in the unit of work's transaction, if there is one. */
export const inTransaction = (tx: unknown): { session?: ClientSession } => (tx ? { session: tx as ClientSession } : {});

/** `mongodb://user:secret@host` -> `mongodb://***@host`: credentials never reach a log. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * Creates the indexes a collection lacks, and drops the `retired` ones it still has (indexes an
 * earlier version made that others now replace: each costs every write). Asking again for an
 * index that exists is harmless on MongoDB but crashes the connection on FerretDB v1, so we only
 * ever ask for missing ones.
 */
export const ensureIndexes = async <T extends Document>(
  collection: Collection<T>,
  wanted: readonly (IndexDescription & { name: string })[],
  retired: readonly string[] = [],
): Promise<void> => {
  const existing = new Set(
    (await collection.listIndexes().toArray().catch((err: { codeName?: string }) => {
      if (err.codeName === 'NamespaceNotFound') return [];
      throw err;
    })).map((i) => String(i['name'])),
  );
  const missing = wanted.filter((i) => !existing.has(i.name));
  if (missing.length > 0) await collection.createIndexes([...missing]);
  for (const name of retired.filter((r) => existing.has(r))) {
    // Another process starting at the same time may have dropped it first.
    await collection.dropIndex(name).catch((err: { codeName?: string }) => {
      if (err.codeName !== 'IndexNotFound') throw err;
    });
  }
};
