import { readdirSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { MAX_PREPARED_STATEMENTS, MIGRATIONS_FOLDER, openStore, type Store } from "../src/db/client.js";
import { freshPostgresDatabase, storeFactories } from "./helpers/stores.js";

const MIGRATIONS = readdirSync(MIGRATIONS_FOLDER, { withFileTypes: true }).filter((d) => d.isDirectory()).length;

async function appliedMigrations(store: Store): Promise<number> {
  const [row] = await store.rows<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
  return row.n;
}

describe("opening a store", () => {
  for (const factory of storeFactories) {
    it(`applies every migration once (${factory.kind})`, async () => {
      const store = await factory.open();
      try {
        expect(await appliedMigrations(store)).toBe(MIGRATIONS);
      } finally {
        await store.destroy();
      }
    });
  }

  // The real server only: processes that start together share one database, and a pool may be a
  // single connection (the migration lock once waited on its own pool there, forever).
  for (const factory of storeFactories.filter((f) => f.kind === "postgres")) {
    it("migrates once when several single-connection stores open the same new database at once", async () => {
      const database = await freshPostgresDatabase(process.env.DATABASE_URL!);
      const stores: Store[] = [];
      try {
        const opening = Array.from({ length: 3 }, () => openStore({ databaseUrl: database.url, maxConnections: 1 }).then((s) => (stores.push(s), s)));
        const opened = await Promise.race([
          Promise.all(opening),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("openStore did not return within 20 s")), 20_000)),
        ]);
        expect(opened).toHaveLength(3);
        for (const store of opened) expect(await appliedMigrations(store)).toBe(MIGRATIONS);
      } finally {
        for (const store of stores) await store.close();
        await database.drop();
      }
    }, 30_000);
  }

  // The real server only: PGlite has one in-process connection and no protocol-level statements.
  for (const factory of storeFactories.filter((f) => f.kind === "postgres")) {
    it("prepares the statements drizzle runs unprepared, up to a bound of distinct texts", async () => {
      const database = await freshPostgresDatabase(process.env.DATABASE_URL!);
      // One connection, so that pg_prepared_statements shows what every query before it left there.
      const store = await openStore({ databaseUrl: database.url, maxConnections: 1 });
      const preparedTexts = async () =>
        (await store.rows<{ statement: string }>("select statement from pg_prepared_statements where not from_sql")).map((r) => r.statement);
      try {
        const read = () => store.db.query.events.findMany({ columns: { id: true, title: true }, with: { place: { columns: { name: true } } }, limit: 5 });
        await read();
        await read();
        const [readText] = (await preparedTexts()).filter((s) => s.includes('from "events"'));
        expect(readText).toBeDefined();
        // Twice run, prepared once.
        expect((await preparedTexts()).filter((s) => s === readText)).toHaveLength(1);

        for (let i = 0; i < MAX_PREPARED_STATEMENTS + 20; i++) await store.rows(`select ${i} + $1::int as n`, [1]);
        const texts = await preparedTexts();
        expect(texts.length).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
        expect(texts.length).toBeGreaterThan(MAX_PREPARED_STATEMENTS - 10);
        // Past the bound a text still runs, unprepared.
        expect(await store.rows<{ n: number }>(`select ${MAX_PREPARED_STATEMENTS + 100} + $1::int as n`, [1])).toEqual([{ n: MAX_PREPARED_STATEMENTS + 101 }]);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    it("reads on a small pool of their own, pipelined, which an open write transaction never holds up", async () => {
      const database = await freshPostgresDatabase(process.env.DATABASE_URL!);
      const store = await openStore({ databaseUrl: database.url, maxConnections: 1, readConnections: 2 });
      try {
        // Twenty reads at once share the two read connections: two backends answer all of them.
        const backends = await Promise.all(
          Array.from({ length: 20 }, async () => ((await store.reads.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[])[0].pid),
        );
        expect(backends).toHaveLength(20);
        expect(new Set(backends).size).toBeLessThanOrEqual(2);
        // The write pool's only connection sits in an open transaction; reads go on regardless.
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let entered!: () => void;
        const inTransaction = new Promise<void>((resolve) => (entered = resolve));
        const transaction = store.db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          entered();
          await held;
        });
        await inTransaction;
        const read = store.reads.query.events.findMany({ columns: { id: true }, limit: 1 });
        const outcome = await Promise.race([read.then(() => "read"), new Promise((resolve) => setTimeout(() => resolve("held up"), 5_000))]);
        release();
        await transaction;
        expect(outcome).toBe("read");
      } finally {
        await store.close();
        await database.drop();
      }
    });
  }
});
