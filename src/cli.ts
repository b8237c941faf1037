#!/usr/bin/env node
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import pLimit from "p-limit";
import { configFromEnv, DEFAULT_INGEST_CONCURRENCY } from "./config.js";
import { openStore } from "./db/client.js";
import { articleInputFromFile } from "./extract/input.js";
import { IngestError } from "./ingest/errors.js";
import { collectArticleFiles, readArticleFile } from "./ingest/files.js";
import { writeExport } from "./ops/export.js";
import { expandArticlePaths } from "./ops/paths.js";
import { createProgress } from "./ops/progress.js";
import type { IngestInput } from "./ingest/validate.js";

// Extraction, the GraphQL server and the queue load slowly: each command imports what it uses.
const load = {
  extract: () => import("./extract/index.js"),
  format: () => import("./extract/format.js"),
  match: () => import("./ingest/match.js"),
  pipeline: () => import("./ingest/pipeline.js"),
  queue: () => import("./ops/queue.js"),
  server: () => import("./server.js"),
};

const program = new Command("newsgraph").description("Newsgraph: news articles in, facts out, live over GraphQL.");

program
  .command("extract")
  .description("Extract records from article files (text or HTML) and print them as JSON Lines")
  .argument("<files...>", "article files, read as one batch in order")
  .action(async (files: string[]) => {
    const [{ extractArticle }, { toContractRecord }, { clusterEvents, resolveDatesAcrossBatch }] = await Promise.all([load.extract(), load.format(), load.match()]);
    const articles = files.map((file) => ({ name: basename(file), extracted: extractArticle(articleInputFromFile(file, readFileSync(file, "utf8"))) }));
    // Cluster ids span the batch: the same happening reported by several articles shares one id.
    // Other reports of the same happening also date what an undated article leaves open.
    const batch = articles.flatMap(({ name, extracted }) =>
      extracted.events.map((event, i) => ({ key: `${name}#${i}`, article: name, event, reportedAt: extracted.publishedAt })),
    );
    const dated = resolveDatesAcrossBatch(batch);
    const ids = clusterEvents(batch.map((item, i) => ({ ...item, event: dated[i] })));
    let next = 0;
    for (const { name, extracted } of articles) {
      const first = next;
      next += extracted.events.length;
      const events = dated.slice(first, next);
      process.stdout.write(JSON.stringify(toContractRecord(name, { ...extracted, events }, ids.slice(first, next))) + "\n");
    }
  });

/** Sends one article to a running server's ingestArticle mutation. */
async function ingestThroughServer(server: string, input: IngestInput) {
  const response = await fetch(server, {
    method: "POST",
    headers: { "content-type": "application/json", ...(process.env.INGEST_TOKEN ? { authorization: `Bearer ${process.env.INGEST_TOKEN}` } : {}) },
    body: JSON.stringify({
      query: `mutation ($input: IngestArticleInput!) { ingestArticle(input: $input) {
        __typename ... on IngestError { code message }
        ... on IngestArticlePayload { duplicate addedEvents { id } updatedEvents { id } } } }`,
      variables: { input },
    }),
  });
  const body = (await response.json()) as {
    data?: { ingestArticle: { __typename: string; code?: string; message?: string; duplicate?: boolean; addedEvents?: unknown[]; updatedEvents?: unknown[] } };
    errors?: { message: string }[];
  };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  const result = body.data!.ingestArticle;
  if (result.__typename === "IngestError") throw new IngestError(result.code as IngestError["code"], result.message!);
  return { duplicate: result.duplicate!, added: result.addedEvents!.length, updated: result.updatedEvents!.length };
}

/** A commander option parser for counts. */
function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Not a positive integer.");
  return n;
}

program
  .command("ingest")
  .description("Ingest article files, directories or globs (text or HTML) into the store")
  .argument("<paths...>", 'files, directories (searched recursively) or glob patterns ("corpus/**/*.txt")')
  .option("--server <url>", "send articles to a running server's GraphQL endpoint instead of opening the store (needed with PGlite while the server runs)")
  .option("--queue", "enqueue one job per file for `newsgraph worker` processes instead of ingesting here (PostgreSQL only)")
  .option("--concurrency <n>", "articles ingested at once, each in its own transaction", parsePositiveInt, DEFAULT_INGEST_CONCURRENCY)
  .action(async (paths: string[], options: { server?: string; queue?: boolean; concurrency: number }) => {
    const config = configFromEnv();
    const { files, missing } = expandArticlePaths(paths);
    const failures = missing.map(({ path, reason }) => `${path}: ${reason}`);
    for (const failure of failures) console.error(failure);
    if (options.queue) {
      try {
        const { enqueueFiles } = await load.queue();
        const added = await enqueueFiles(config.databaseUrl, files, (line) => console.error(line));
        console.error(`${added} jobs enqueued; run \`newsgraph worker\` to ingest them`);
      } catch (error) {
        console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
        return;
      }
      if (failures.length > 0) process.exitCode = 1;
      return;
    }
    const store = options.server ? null : await openStore(config);
    const { ingestArticle } = await load.pipeline();
    const started = Date.now();
    const progress = createProgress(files.length);
    let stored = 0;
    let duplicates = 0;
    let added = 0;
    let updated = 0;
    // Files finish in any order; each is stored whole or not at all, and one failing stops no other.
    const inFlight = pLimit(options.concurrency);
    const ingestFile = async (file: string) => {
      try {
        const input = readArticleFile(file);
        const result = store
          ? await ingestArticle(store.db, input, { maxBytes: config.maxArticleBytes }).then((r) => ({
              duplicate: r.duplicate,
              added: r.addedEventIds.length,
              updated: r.updatedEventIds.length,
            }))
          : await ingestThroughServer(options.server!, input);
        if (result.duplicate) duplicates++;
        else stored++;
        added += result.added;
        updated += result.updated;
        progress.tick(`${file}: ${result.duplicate ? "already stored" : `stored, ${result.added} new events, ${result.updated} updated`}`, false);
      } catch (error) {
        const reason = error instanceof IngestError ? `${error.code}: ${error.message}` : String(error);
        failures.push(`${file}: ${reason}`);
        progress.tick(`${file}: failed (${reason})`, true);
      }
    };
    try {
      await Promise.all(files.map((file) => inFlight(() => ingestFile(file))));
    } finally {
      progress.stop();
      await store?.close();
    }
    const seconds = (Date.now() - started) / 1000;
    console.error(
      `${files.length} files in ${seconds.toFixed(1)} s (${(files.length / Math.max(seconds, 0.001)).toFixed(1)}/s): ` +
        `${stored} stored, ${duplicates} already stored, ${failures.length} failed; ${added} new events, ${updated} updated`,
    );
    if (failures.length > 0) {
      console.error("failed:");
      for (const failure of failures) console.error(`  ${failure}`);
      process.exitCode = 1;
    }
  });

program
  .command("worker")
  .description("Process queued ingest jobs (see `ingest --queue`) until SIGTERM or SIGINT (PostgreSQL only)")
  .option("--concurrency <n>", "jobs run at once in this process", parsePositiveInt, 2)
  .option("--health-file <path>", "touch this file every 10 s while the database answers (for container health checks)")
  .action(async (options: { concurrency: number; healthFile?: string }) => {
    const config = configFromEnv();
    const concurrency = options.concurrency;
    const { QueueNeedsPostgresError, startWorker } = await load.queue();
    if (!config.databaseUrl) {
      console.error(`error: ${new QueueNeedsPostgresError().message}`);
      process.exitCode = 2;
      return;
    }
    const store = await openStore({ ...config, maxConnections: concurrency + 1 });
    const runner = await startWorker(store, { ...config, concurrency, log: (line) => console.error(line) });
    console.error(`worker: ${concurrency} at a time; waiting for jobs`);
    if (options.healthFile) {
      const healthFile = options.healthFile;
      const beat = () =>
        store.rows("select 1").then(
          () => writeFileSync(healthFile, `${new Date().toISOString()}\n`),
          (error: unknown) => console.error(`worker: health check failed: ${String(error)}`),
        );
      await beat();
      setInterval(beat, 10_000).unref();
    }
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`worker: ${signal}, finishing running jobs`);
      await runner.stop();
      await store.close();
      console.error("worker: stopped");
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    await runner.promise;
  });

program
  .command("export")
  .description("Write events as PLOVER-style JSON Lines or as CSV")
  .option("--format <format>", "plover (JSON Lines) or csv", "plover")
  .option("--from <date>", "events on or after this date (YYYY-MM-DD; undated events by first report)")
  .option("--to <date>", "events on or before this date (YYYY-MM-DD)")
  .option("-o, --output <file>", "write to this file instead of standard output")
  .action(async (options: { format: string; from?: string; to?: string; output?: string }) => {
    if (options.format !== "plover" && options.format !== "csv") {
      console.error(`error: --format must be plover or csv, not ${JSON.stringify(options.format)}`);
      process.exitCode = 2;
      return;
    }
    for (const [name, value] of [["--from", options.from], ["--to", options.to]] as const) {
      if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) {
        console.error(`error: ${name} must be a date YYYY-MM-DD, not ${JSON.stringify(value)}`);
        process.exitCode = 2;
        return;
      }
    }
    const store = await openStore(configFromEnv());
    const out = options.output ? createWriteStream(options.output) : process.stdout;
    try {
      const count = await writeExport(store, { format: options.format, from: options.from, to: options.to }, (chunk) =>
        out.write(chunk) ? undefined : new Promise<void>((resolve) => out.once("drain", () => resolve())),
      );
      console.error(`${count} events exported${options.output ? ` to ${options.output}` : ""}`);
    } finally {
      await store.close();
      if (options.output) await new Promise<void>((resolve) => out.end(() => resolve()));
    }
  });

program
  .command("serve")
  .description("Migrate the store, ingest the seed articles once, and serve GraphQL")
  .option("--seed <dir>", "ingest the articles of this directory before serving (already stored ones are skipped)")
  .action(async (options: { seed?: string }) => {
    const config = configFromEnv();
    const store = await openStore(config);
    const [{ ingestArticle }, { startServer }] = await Promise.all([load.pipeline(), load.server()]);
    if (options.seed) {
      let added = 0;
      for (const file of collectArticleFiles([options.seed])) {
        const result = await ingestArticle(store.db, readArticleFile(file), { maxBytes: config.maxArticleBytes });
        if (!result.duplicate) added++;
      }
      console.error(`seeds: ${added} new articles from ${options.seed}`);
    }
    const server = await startServer(store, config);
    console.error(`Newsgraph on ${store.kind === "pglite" ? `PGlite (${config.dataDir})` : "PostgreSQL"}: ${server.url}`);
    const shutdown = async () => {
      await server.close();
      await store.close();
      process.exit(0);
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });

program
  .command("migrate")
  .description("Apply the database migrations and exit")
  .action(async () => {
    const store = await openStore(configFromEnv());
    await store.close();
  });

await program.parseAsync();
