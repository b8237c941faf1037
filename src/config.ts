import { DEFAULT_MAX_ARTICLE_BYTES } from "./ingest/validate.js";

/** Everything configurable, read from the environment (README: Configuration). */
export interface Config {
  port: number;
  /** PostgreSQL URL; unset means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite directory. */
  dataDir: string;
  maxArticleBytes: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  return value;
}

export function configFromEnv(): Config {
  return {
    port: positiveInt("PORT", 4000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || "./data",
    maxArticleBytes: positiveInt("MAX_ARTICLE_BYTES", DEFAULT_MAX_ARTICLE_BYTES),
  };
}
