import { existsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import { collectArticleFiles } from "../ingest/files.js";

export interface ExpandedPaths {
  /** Article files, in the order given (directories and globs sorted), each once. */
  files: string[];
  /** Arguments that named nothing, with the reason. */
  missing: { path: string; reason: string }[];
}

/**
 * Expands ingest arguments: files as given, directories searched recursively for article
 * files (.txt, .html, ...), and glob patterns ("corpus/**\/*.txt") matched against files.
 */
export function expandArticlePaths(paths: string[]): ExpandedPaths {
  const files: string[] = [];
  const missing: ExpandedPaths["missing"] = [];
  for (const path of paths) {
    if (existsSync(path)) {
      files.push(...(statSync(path).isDirectory() ? collectArticleFiles([path]) : [path]));
    } else if (isDynamicPattern(path)) {
      const matches = globSync(path, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(path) }).sort();
      if (matches.length === 0) missing.push({ path, reason: "no files match this pattern" });
      files.push(...matches);
    } else {
      missing.push({ path, reason: "no such file or directory" });
    }
  }
  return { files: [...new Set(files)], missing };
}
