import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { articleInputFromFile } from "../extract/input.js";
import type { IngestInput } from "./validate.js";
import { decodeUtf8 } from "./validate.js";

const ARTICLE_FILE = /\.(txt|html?|xhtml)$/i;

/** Article files named by paths: files as given, directories searched recursively, sorted. */
export function collectArticleFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      const found = readdirSync(path, { recursive: true, encoding: "utf8" })
        .filter((name) => ARTICLE_FILE.test(name) && !/\.expected\./.test(name))
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile())
        .sort();
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

/** Reads an article file as ingest input; invalid UTF-8 is refused rather than mangled. */
export function readArticleFile(file: string): IngestInput {
  return articleInputFromFile(basename(file), decodeUtf8(readFileSync(file)));
}
