#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Command } from "commander";
import { configFromEnv } from "./config.js";
import { openStore } from "./db/client.js";
import { toContractRecord } from "./extract/format.js";
import { extractArticle } from "./extract/index.js";
import { articleInputFromFile } from "./extract/input.js";
import { clusterEvents, resolveDatesAcrossBatch } from "./ingest/match.js";
import { IngestError } from "./ingest/errors.js";
import { collectArticleFiles, readArticleFile } from "./ingest/files.js";
import { ingestArticle } from "./ingest/pipeline.js";
import type { IngestInput } from "./ingest/validate.js";
import { startServer } from "./server.js";

const program = new Command("newsgraph").description("Newsgraph: news articles in, facts out, live over GraphQL.");

program
  .command("extract")
  .description("Extract records from article files (text or HTML) and print them as JSON Lines")
  .argument("<files...>", "article files, read as one batch in order")
  .action((files: string[]) => {
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

program
  .command("ingest")
  .description("Ingest article files or directories (text or HTML) into the store")
  .argument("<paths...>", "files or directories")
  .option("--server <url>", "send articles to a running server's GraphQL endpoint instead of opening the store (needed with PGlite while the server runs)")
  .action(async (paths: string[], options: { server?: string }) => {
    const config = configFromEnv();
    const store = options.server ? null : await openStore(config);
    const files = collectArticleFiles(paths);
    let stored = 0;
    let duplicates = 0;
    const failures: string[] = [];
    try {
      for (const file of files) {
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
          console.error(`${file}: ${result.duplicate ? "already stored" : `stored, ${result.added} new events, ${result.updated} updated`}`);
        } catch (error) {
          const reason = error instanceof IngestError ? `${error.code}: ${error.message}` : String(error);
          failures.push(`${file}: ${reason}`);
          console.error(`${file}: failed (${reason})`);
        }
      }
    } finally {
      await store?.close();
    }
    console.error(`${files.length} files: ${stored} stored, ${duplicates} already stored, ${failures.length} failed`);
    if (failures.length > 0) process.exitCode = 1;
  });

program
  .command("serve")
  .description("Migrate the store, ingest the seed articles once, and serve GraphQL")
  .option("--seed <dir>", "ingest the articles of this directory before serving (already stored ones are skipped)")
  .action(async (options: { seed?: string }) => {
    const config = configFromEnv();
    const store = await openStore(config);
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
