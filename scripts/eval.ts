// Scores extraction on the seed gold: runs the `extract` contract over ../shared/seeds
// and prints the scorer's table. Extra arguments (e.g. --explain) go to the scorer.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const shared = resolve(process.env.SHARED_DIR ?? "../shared");
const seedDir = join(shared, "seeds");
const files = readdirSync(seedDir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => join(seedDir, f));
const predictions = execFileSync(process.execPath, ["--import", "tsx", "src/cli.ts", "extract", ...files], {
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
const predFile = join(mkdtempSync(join(tmpdir(), "newsgraph-eval-")), "pred.jsonl");
writeFileSync(predFile, predictions);
execFileSync(
  process.execPath,
  [join(shared, "eval/score.mjs"), "--gold", join(shared, "gold"), "--pred", predFile, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
