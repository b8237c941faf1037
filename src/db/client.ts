import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { Logger } from "drizzle-orm";
import type { PgAsyncDatabase } from "drizzle-orm/pg-core/async/db";
import type { PgQueryResultHKT } from "drizzle-orm/pg-core/session";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { relations } from "./relations.js";

export type Database = PgAsyncDatabase<PgQueryResultHKT, typeof relations>;
/** A transaction handle, which runs the same queries as the database. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type StoreKind = "pglite" | "postgres";

export interface StoreOptions {
  /** postgres://… URL; when absent the store is an embedded PGlite database. */
  databaseUrl?: string;
  /** Directory of the PGlite database; `memory://` for an in-memory one. */
  dataDir?: string;
  /** Connections in the postgres.js pool that writes (ingest transactions) and LISTENs. */
  maxConnections?: number;
  /** Connections in the postgres.js pool for reads; by default READ_CONNECTIONS. */
  readConnections?: number;
}

export type QueryListener = (query: string, params: unknown[]) => void;

export interface Store {
  kind: StoreKind;
  /** The database for writes: ingest transactions hold one of its connections while they run. */
  db: Database;
  /**
   * The database for reads (GraphQL queries and subscriptions). On PostgreSQL a pool of its own
   * with few connections, so that concurrent reads share them and postgres.js pipelines them (see
   * READ_CONNECTIONS), and so that no open transaction ever holds a read up. On PGlite, `db`.
   */
  reads: Database;
  /** Runs `handler` for every NOTIFY on `channel`; `onListen` runs on every (re)connection. */
  listen(channel: string, handler: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /** Runs plain SQL and returns its rows (driver-independent). */
  rows<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** Observes every statement drizzle sends (statement counting, slow-query logs). */
  onQuery(listener: QueryListener): () => void;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "../../drizzle");
/** Key of the advisory lock that serialises migrations of several processes. */
const MIGRATION_LOCK_KEY = 7_340_001;
/**
 * Distinct statement texts that the PostgreSQL pool prepares (see preparedStatements). Each
 * connection keeps a prepared statement and its plan per text it ran, until postgres.js replaces
 * the connection (every 30-60 min), so this bounds the memory that prepared plans take per backend.
 * Clients send a few dozen operation shapes, each one text per page size.
 */
export const MAX_PREPARED_STATEMENTS = 256;

/**
 * Connections of the read pool: one per core, at least two. postgres.js gives a query an idle
 * connection if it has one and otherwise queues it on a busy one, whose queued queries go out in
 * one write and come back in order (pipelining). PostgreSQL runs no more queries at once than it
 * has cores, so more connections only cost system calls and wake-ups: with 8 requests in flight
 * on 2 cores, 2 connections served 1.2-1.4x the entity pages per second of 10 (loopback, 100k
 * articles, alternating runs).
 */
export const READ_CONNECTIONS = Math.max(2, availableParallelism());

class StatementLogger implements Logger {
  readonly listeners = new Set<QueryListener>();
  logQuery(query: string, params: unknown[]): void {
    for (const listener of this.listeners) listener(query, params);
  }
}

/** Opens (and migrates) the store: PostgreSQL when a URL is given, PGlite otherwise. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.maxConnections, options.readConnections)
    : await openPglite(options.dataDir ?? "./data");
  return store;
}

async function openPglite(dataDir: string): Promise<Store> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
  const client = await PGlite.create(inMemory ? dataDir : resolve(dataDir), { extensions: { pg_trgm } });
  const logger = new StatementLogger();
  const db = drizzlePglite({ client, relations, logger });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    kind: "pglite",
    db: db as unknown as Database,
    reads: db as unknown as Database,
    async listen(channel, handler, onListen) {
      // PGlite folds unquoted channel names to lower case.
      const unlisten = await client.listen(channel.toLowerCase(), handler);
      onListen?.();
      return unlisten;
    },
    async rows<T>(query: string, params: unknown[] = []) {
      return (await client.query<T>(query, params)).rows;
    },
    onQuery(listener) {
      logger.listeners.add(listener);
      return () => logger.listeners.delete(listener);
    },
    async close() {
      await client.close();
    },
  };
}

/**
 * Makes the pool prepare the statements that drizzle runs unprepared, the first
 * MAX_PREPARED_STATEMENTS distinct texts of them.
 *
 * Why: drizzle runs every query that was not `.prepare()`d, every GraphQL read among them, as an
 * unnamed statement, which PostgreSQL parses, analyses and plans again at every execution:
 * measured at 100k articles, 1.2 ms of server CPU per events page against 0.4 ms prepared. A
 * prepared statement is planned once per connection (its generic plan, once PostgreSQL finds it
 * as good as the custom ones). Texts past the bound run unnamed, as before.
 */
function preparedStatements(client: postgres.Sql): void {
  const prepared = new Set<string>();
  const unsafe = client.unsafe.bind(client);
  client.unsafe = ((query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) => {
    if (!prepared.has(query) && prepared.size < MAX_PREPARED_STATEMENTS) prepared.add(query);
    return unsafe(query, parameters, { ...options, prepare: prepared.has(query) });
  }) as postgres.Sql["unsafe"];
}

async function openPostgres(url: string, maxConnections = 10, readConnections = READ_CONNECTIONS): Promise<Store> {
  const client = postgres(url, { max: maxConnections, onnotice: () => {} });
  const readClient = postgres(url, { max: readConnections, onnotice: () => {} });
  preparedStatements(client);
  preparedStatements(readClient);
  const logger = new StatementLogger();
  const db = drizzlePostgres({ client, relations, logger });
  const reads = drizzlePostgres({ client: readClient, relations, logger });
  // Migrations run on a connection of their own that holds the lock, so that a pool of one
  // connection cannot wait on itself.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client: migrator, relations }), { migrationsFolder: MIGRATIONS_FOLDER });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await migrator.end();
  }
  return {
    kind: "postgres",
    db: db as unknown as Database,
    reads: reads as unknown as Database,
    async listen(channel, handler, onListen) {
      // postgres.js re-issues LISTEN after a dropped connection and calls onListen again.
      const subscription = await client.listen(channel.toLowerCase(), handler, onListen);
      return () => subscription.unlisten();
    },
    async rows<T>(query: string, params: unknown[] = []) {
      return (await client.unsafe(query, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    },
    onQuery(listener) {
      logger.listeners.add(listener);
      return () => logger.listeners.delete(listener);
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), readClient.end({ timeout: 5 })]);
    },
  };
}
