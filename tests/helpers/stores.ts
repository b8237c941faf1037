import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openStore, type Store } from "../../src/db/client.js";

export interface StoreFactory {
  kind: "pglite" | "postgres";
  /** Opens a store on a fresh, empty database. */
  open(): Promise<TestStore>;
}

export interface TestStore extends Store {
  /** URL of the fresh PostgreSQL database (postgres only), for child processes. */
  databaseUrl?: string;
  /** Closes the store and drops its database. */
  destroy(): Promise<void>;
}

/** Creates a database of its own on the server of DATABASE_URL, so test files never share data. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `newsgraph_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** PGlite always; the real PostgreSQL too when DATABASE_URL is set (CI sets it). */
export const storeFactories: StoreFactory[] = [
  {
    kind: "pglite",
    async open() {
      const store = await openStore({ dataDir: "memory://" });
      return Object.assign(store, { destroy: () => store.close() });
    },
  },
  ...(process.env.DATABASE_URL
    ? [
        {
          kind: "postgres" as const,
          async open() {
            const database = await freshPostgresDatabase(process.env.DATABASE_URL!);
            const store = await openStore({ databaseUrl: database.url });
            return Object.assign(store, {
              databaseUrl: database.url,
              async destroy() {
                await store.close();
                await database.drop();
              },
            });
          },
        },
      ]
    : []),
];
