import { DEFAULT_MAX_ARTICLE_BYTES } from "./ingest/validate.js";

/** Limits on what one GraphQL request may ask for (README: Configuration). */
export interface Limits {
  /** Deepest selection nesting (MAX_DEPTH). */
  maxDepth: number;
  /** Largest estimated cost of an operation (MAX_COST); see src/http/limits.ts for the model. */
  maxCost: number;
  /** Most aliases in an operation (MAX_ALIASES). */
  maxAliases: number;
  /** Most tokens in a document (MAX_TOKENS). */
  maxTokens: number;
  /** Largest `first`/`last` of a connection (MAX_PAGE_SIZE, at most 100). */
  maxPageSize: number;
  /** Largest HTTP request body in bytes (MAX_BODY_BYTES). */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 12,
  maxCost: 10_000,
  maxAliases: 15,
  maxTokens: 2_000,
  maxPageSize: 100,
  maxBodyBytes: 2 * 1024 * 1024,
};

/** Connections never return more than this many edges (the schema's own ceiling). */
export const SCHEMA_MAX_PAGE_SIZE = 100;

/** Everything configurable, read from the environment (README: Configuration). */
export interface Config extends Limits {
  port: number;
  /** PostgreSQL URL; unset means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite directory. */
  dataDir: string;
  /** Connections of the PostgreSQL read pool (READ_CONNECTIONS); unset: one per core, at least 2. */
  readConnections?: number;
  maxArticleBytes: number;
  /** Bearer token that ingestArticle requires; unset leaves ingest open (development). */
  ingestToken?: string;
  /** GraphQL operations slower than this are logged as slow, with their SQL statements (SLOW_QUERY_MS). */
  slowQueryMs: number;
  /** How long /readyz waits for `select 1` (READY_TIMEOUT_MS). */
  readyTimeoutMs: number;
  /** How long shutdown waits for in-flight requests before closing connections (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
}

export const DEFAULT_SLOW_QUERY_MS = 200;
/**
 * Articles `newsgraph ingest` keeps in flight, each in its own transaction: while one waits on the
 * database, the process extracts and merges another. On 2 cores, 2 in flight ingested 1.5x as
 * many articles per second as 1, and 3 no more than 2 (README, Benchmarks).
 */
export const DEFAULT_INGEST_CONCURRENCY = 2;
export const DEFAULT_READY_TIMEOUT_MS = 2_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

function positiveInt(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  if (value > max) throw new Error(`${name} must be at most ${max}, not ${value}`);
  return value;
}

/** A count of at least 1 from `name`, or undefined when it is unset (the caller's default applies). */
function optionalCount(name: string): number | undefined {
  const value = positiveInt(name, 0);
  if (value === 0 && process.env[name]) throw new Error(`${name} must be at least 1`);
  return value === 0 ? undefined : value;
}

export function configFromEnv(): Config {
  return {
    port: positiveInt("PORT", 4000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || "./data",
    readConnections: optionalCount("READ_CONNECTIONS"),
    maxArticleBytes: positiveInt("MAX_ARTICLE_BYTES", DEFAULT_MAX_ARTICLE_BYTES),
    maxDepth: positiveInt("MAX_DEPTH", DEFAULT_LIMITS.maxDepth),
    maxCost: positiveInt("MAX_COST", DEFAULT_LIMITS.maxCost),
    maxAliases: positiveInt("MAX_ALIASES", DEFAULT_LIMITS.maxAliases),
    maxTokens: positiveInt("MAX_TOKENS", DEFAULT_LIMITS.maxTokens),
    maxPageSize: positiveInt("MAX_PAGE_SIZE", DEFAULT_LIMITS.maxPageSize, SCHEMA_MAX_PAGE_SIZE),
    maxBodyBytes: positiveInt("MAX_BODY_BYTES", DEFAULT_LIMITS.maxBodyBytes),
    ingestToken: process.env.INGEST_TOKEN || undefined,
    slowQueryMs: positiveInt("SLOW_QUERY_MS", DEFAULT_SLOW_QUERY_MS),
    readyTimeoutMs: positiveInt("READY_TIMEOUT_MS", DEFAULT_READY_TIMEOUT_MS),
    shutdownTimeoutMs: positiveInt("SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS),
  };
}
