// The real articles a benchmark corpus is derived from: /work/shared/corpus/text (or BENCH_CORPUS),
// read at run time, each extracted once through the real extraction. Nothing is copied into the repo.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractArticle } from "../src/extract/index.js";
import type { ExtractedArticle } from "../src/extract/types.js";
import { collectArticleFiles, readArticleFile } from "../src/ingest/files.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CORPUS_DIR = process.env.BENCH_CORPUS ?? resolve(ROOT, "../shared/corpus/text");

export interface BaseArticle {
  file: string;
  bytes: number;
  extracted: ExtractedArticle;
}

/** The corpus's article files, sorted (at most `limit`). */
export function corpusFiles(limit = Infinity): string[] {
  if (!existsSync(CORPUS_DIR)) throw new Error(`corpus not found at ${CORPUS_DIR} (set BENCH_CORPUS)`);
  return collectArticleFiles([CORPUS_DIR]).slice(0, limit);
}

/**
 * Extracts the first `limit` real articles. The result is cached under data/ (gitignored) keyed by the
 * files' content and the extraction source, so repeated runs skip the minute of extraction.
 */
export function loadBaseArticles(limit = Infinity, options: { cache?: boolean } = {}): { articles: BaseArticle[]; extractMs: number; cached: boolean } {
  const files = corpusFiles(limit);
  const contents = files.map((file) => readFileSync(file));
  const hash = createHash("sha256");
  for (const c of contents) hash.update(c);
  hash.update(extractionSourceFingerprint());
  const cacheDir = join(ROOT, "data");
  const cacheFile = join(cacheDir, `bench-corpus-${hash.digest("hex").slice(0, 16)}.json`);
  if (options.cache !== false && existsSync(cacheFile)) {
    return { articles: JSON.parse(readFileSync(cacheFile, "utf8")) as BaseArticle[], extractMs: 0, cached: true };
  }
  const started = performance.now();
  const articles = files.map((file, i) => ({ file, bytes: contents[i].length, extracted: extractArticle(readArticleFile(file)) }));
  const extractMs = performance.now() - started;
  if (options.cache !== false) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(articles));
  }
  return { articles, extractMs, cached: false };
}

/** Changes whenever extraction code changes, so a stale cache is never used. */
function extractionSourceFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of collectArticleFilesTs(join(ROOT, "src/extract"))) hash.update(readFileSync(file));
  return hash.digest("hex");
}

function collectArticleFilesTs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(ts|json|txt)$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}
