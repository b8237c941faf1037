import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/db/client.js";
import { extractArticle } from "../src/extract/index.js";
import { ROOT, runCli } from "./helpers/processes.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const CORPUS = join(ROOT, "../shared/corpus/text/bbc/politics");
const ARTICLES = 40;

/** Real BBC articles (read from the shared corpus at run time), one copy of each text. */
function corpusSample(): { dir: string; texts: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "newsgraph-batch-"));
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const name of readdirSync(CORPUS).sort()) {
    if (texts.length === ARTICLES) break;
    const text = readFileSync(join(CORPUS, name), "utf8");
    if (seen.has(text)) continue;
    seen.add(text);
    texts.push(text);
    writeFileSync(join(dir, name), text);
  }
  return { dir, texts };
}

/** Starts `cli ingest DIR` and SIGKILLs it once it has stored `after` articles. */
function ingestAndKill(dir: string, env: Record<string, string>, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "ingest", dir], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stored = 0;
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
      stored = (output.match(/: stored/g) ?? []).length;
      if (stored >= after && child.exitCode === null) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve(stored) : reject(new Error(`ingest ended before the kill: ${output}`))));
  });
}

describe.each(storeFactories)("batch ingest killed midway on $kind", (factory) => {
  let store: TestStore | null = null;
  let env: Record<string, string>;
  let sample: { dir: string; texts: string[] };

  beforeAll(async () => {
    sample = corpusSample();
    if (factory.kind === "postgres") {
      store = await factory.open();
      env = { DATABASE_URL: store.databaseUrl! };
    } else {
      // An empty DATABASE_URL means PGlite, whatever the test run's own environment says.
      env = { DATABASE_URL: "", DATA_DIR: mkdtempSync(join(tmpdir(), "newsgraph-pglite-")) };
    }
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it("leaves no partial article, and a re-run stores the rest exactly once", async () => {
    const storedBeforeKill = await ingestAndKill(sample.dir, env, 10);
    expect(storedBeforeKill).toBeGreaterThanOrEqual(10);
    expect(storedBeforeKill).toBeLessThan(ARTICLES);

    const rerun = await runCli(["ingest", sample.dir], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    // The killed run may have committed one more article than it managed to print.
    const summary = /(\d+) stored, (\d+) already stored, (\d+) failed/.exec(rerun.stderr);
    expect(summary, rerun.stderr).not.toBeNull();
    const [stored, already, failed] = summary!.slice(1).map(Number);
    expect({ total: stored + already, failed }).toEqual({ total: ARTICLES, failed: 0 });
    expect(already).toBeGreaterThanOrEqual(storedBeforeKill);

    const reader = await openStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR });
    try {
      const rows = await reader.rows<{ title: string; n: number; quotes: number; figures: number }>(
        `select a.title, count(*) over (partition by a.content_hash)::int as n,
           (select count(*) from quotes q where q.article_id = a.id)::int as quotes,
           (select count(*) from figures f where f.article_id = a.id)::int as figures
         from articles a`,
      );
      expect(rows).toHaveLength(ARTICLES);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      // Every stored article has all of its records: what extraction gives for its text.
      const byTitle = new Map(rows.map((r) => [r.title, r]));
      for (const text of sample.texts) {
        const extracted = extractArticle({ text });
        const row = byTitle.get(extracted.title!);
        expect(row, extracted.title!).toBeDefined();
        expect({ quotes: row!.quotes, figures: row!.figures }).toEqual({ quotes: extracted.quotes.length, figures: extracted.figures.length });
      }
    } finally {
      await reader.close();
    }
  });
});
