import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Logger, makeWorkerUtils, run, type Runner, type Task } from "graphile-worker";
import type { Store } from "../db/client.js";
import { articleInputFromFile } from "../extract/input.js";
import { IngestError } from "../ingest/errors.js";
import { ingestArticle } from "../ingest/pipeline.js";
import { decodeUtf8, type IngestInput } from "../ingest/validate.js";

/** The one task: ingest the article in the payload through the same pipeline as the API. */
export const INGEST_TASK = "ingest_article";

/** What a job carries: the file's content, not its path, so workers need not share a disk. */
export interface IngestJobPayload {
  /** The file it came from, for logs. */
  file: string;
  /** File name (decides text or HTML, like `ingest` of the file). */
  name: string;
  /** The file's bytes as base64: invalid UTF-8 is refused by the worker with the same reason. */
  content: string;
}

export class QueueNeedsPostgresError extends Error {
  constructor() {
    super(
      "The job queue runs on PostgreSQL: set DATABASE_URL (e.g. postgres://user:pass@host:5432/newsgraph). " +
        "With the embedded PGlite store, ingest directly: `newsgraph ingest PATHS` (no --queue).",
    );
    this.name = "QueueNeedsPostgresError";
  }
}

function quietLogger(log: (line: string) => void) {
  // The worker library logs every job; keep its warnings and errors, and our own lines.
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") log(`worker ${level}: ${message}`);
  });
}

/** Enqueues one job per file (content in the payload). Returns how many were added. */
export async function enqueueFiles(databaseUrl: string | undefined, files: string[], log: (line: string) => void): Promise<number> {
  if (!databaseUrl) throw new QueueNeedsPostgresError();
  const utils = await makeWorkerUtils({ connectionString: databaseUrl, logger: quietLogger(log) });
  try {
    await utils.migrate();
    const BATCH = 200;
    let added = 0;
    for (let i = 0; i < files.length; i += BATCH) {
      const specs = files.slice(i, i + BATCH).map((file) => ({
        identifier: INGEST_TASK,
        payload: { file, name: basename(file), content: readFileSync(file).toString("base64") } satisfies IngestJobPayload,
        maxAttempts: 5,
      }));
      added += (await utils.addJobs(specs)).length;
    }
    return added;
  } finally {
    await utils.release();
  }
}

export interface WorkerOptions {
  databaseUrl?: string;
  concurrency: number;
  maxArticleBytes: number;
  log: (line: string) => void;
}

/** Runs jobs until stopped: refused articles are logged and done; other failures are retried. */
export async function startWorker(store: Store, options: WorkerOptions): Promise<Runner> {
  if (!options.databaseUrl || store.kind !== "postgres") throw new QueueNeedsPostgresError();
  const ingest: Task = async (raw) => {
    const payload = raw as IngestJobPayload;
    try {
      const input: IngestInput = articleInputFromFile(payload.name, decodeUtf8(Buffer.from(payload.content, "base64")));
      const result = await ingestArticle(store.db, input, { maxBytes: options.maxArticleBytes });
      options.log(
        `${payload.file}: ${result.duplicate ? "already stored" : `stored, ${result.addedEventIds.length} new events, ${result.updatedEventIds.length} updated`}`,
      );
    } catch (error) {
      if (!(error instanceof IngestError)) throw error;
      // Bad input stays bad: retrying would not help.
      options.log(`${payload.file}: failed (${error.code}: ${error.message})`);
    }
  };
  return run({
    connectionString: options.databaseUrl,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger(options.log),
    taskList: { [INGEST_TASK]: ingest },
  });
}
