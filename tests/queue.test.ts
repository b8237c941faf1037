import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BINARY, numberedArticles } from "./helpers/articles.js";
import { ROOT, runCli } from "./helpers/processes.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

function startWorker(env: Record<string, string>, concurrency: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "worker", "--concurrency", String(concurrency)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const worker = { child, log: "", exit: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))) };
  child.stderr!.on("data", (chunk) => (worker.log += chunk));
  return worker;
}

const count = (log: string, pattern: RegExp) => log.split("\n").filter((line) => pattern.test(line)).length;

describe("job queue without PostgreSQL", () => {
  it("refuses `ingest --queue` and `worker` on PGlite with a clear error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newsgraph-queue-"));
    try {
      writeFileSync(join(dir, "a.txt"), numberedArticles(1)[0]);
      const env = { DATABASE_URL: "", DATA_DIR: join(dir, "data") };
      const [enqueue, worker] = await Promise.all([runCli(["ingest", "--queue", dir], env), runCli(["worker"], env)]);
      for (const result of [enqueue, worker]) {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/error: The job queue runs on PostgreSQL: set DATABASE_URL/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const factory of storeFactories.filter((f) => f.kind === "postgres")) {
  describe("job queue on PostgreSQL", () => {
    let store: TestStore;
    let dir: string;
    const workers: { child: ChildProcess }[] = [];

    beforeAll(async () => {
      store = await factory.open();
      dir = mkdtempSync(join(tmpdir(), "newsgraph-queue-"));
      const articles = numberedArticles(30);
      articles.forEach((text, i) => writeFileSync(join(dir, `article-${String(i).padStart(2, "0")}.txt`), text));
      writeFileSync(join(dir, "copy-of-first.txt"), articles[0]);
      writeFileSync(join(dir, "broken.txt"), BINARY);
    });

    afterAll(async () => {
      for (const { child } of workers) if (child.exitCode === null) child.kill("SIGKILL");
      await store?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it("enqueues a directory; two worker processes store every article exactly once and stop cleanly on SIGTERM", async () => {
      const env = { DATABASE_URL: store.databaseUrl! };
      const enqueued = await runCli(["ingest", "--queue", dir], env);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      expect(enqueued.stderr).toMatch(/^32 jobs enqueued/m);
      expect(await store.rows("select 1 from articles")).toHaveLength(0);

      const pair = [startWorker(env, 2), startWorker(env, 2)];
      workers.push(...pair);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [{ left }] = await store.rows<{ left: number }>("select count(*)::int as left from graphile_worker.jobs");
        const handled = pair.reduce((sum, w) => sum + count(w.log, /: (stored|already stored|failed)/), 0);
        if (left === 0 && handled === 32) break;
        if (Date.now() > deadline) throw new Error(`jobs left: ${left}; logs:\n${pair.map((w) => w.log).join("\n---\n")}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      const [{ articles, hashes }] = await store.rows<{ articles: number; hashes: number }>(
        "select count(*)::int as articles, count(distinct content_hash)::int as hashes from articles",
      );
      expect(articles).toBe(30);
      expect(hashes).toBe(30);
      const logs = pair.map((w) => w.log).join("\n");
      expect(count(logs, /: stored, /)).toBe(30);
      expect(count(logs, /: already stored$/)).toBe(1);
      expect(logs).toMatch(/broken\.txt: failed \(BINARY_CONTENT: /);
      // Both processes took jobs.
      for (const worker of pair) expect(count(worker.log, /: (stored|already stored|failed)/)).toBeGreaterThan(0);

      for (const worker of pair) worker.child.kill("SIGTERM");
      const codes = await Promise.all(pair.map((w) => w.exit));
      expect(codes).toEqual([0, 0]);
      for (const worker of pair) expect(worker.log).toMatch(/worker: SIGTERM, finishing running jobs\nworker: stopped/);
    });
  });
}
