// Extraction benchmark: the whole extractArticle pipeline on one core over the BBC plain-text
// corpus in ../shared/corpus/text. Reports MB/s, articles/s, p50/p99 per-article ms, the cold
// first article (lazily built tables included), the slowest article and peak memory; prints a
// table and writes JSON to bench/results/extract-<date>.json (or --out).
// Usage: npx tsx bench/extract.ts [--limit N] [--repeat N] [--out path] [--quiet]
import { cpus, hostname, loadavg, totalmem } from "node:os";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(process.env.SHARED_DIR ?? join(here, "../../shared"));
const textDir = join(shared, "corpus", "text");

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const limit = Number(option("limit") ?? Infinity);
const repeat = Math.max(1, Number(option("repeat") ?? 1));
const quiet = process.argv.includes("--quiet");

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.name.endsWith(".txt")) found.push(path);
  }
  return found.sort();
}

const files = filesUnder(textDir).slice(0, limit);
if (!files.length) {
  console.error(`no .txt articles under ${textDir} (set SHARED_DIR)`);
  process.exit(1);
}
const articles = files.map((path) => ({ path, text: readFileSync(path, "utf8") }));
const bytesOf = (s: string) => Buffer.byteLength(s);

let peakRss = 0;
let peakHeap = 0;
const sampleMemory = () => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
};
sampleMemory();

// Cold: module load plus the first article, which builds (or loads) every lazy table.
const importStart = performance.now();
const { extractArticle } = await import("../src/extract/index.js");
const importMs = performance.now() - importStart;
const coldStart = performance.now();
extractArticle({ text: articles[0].text });
const coldMs = performance.now() - coldStart;
sampleMemory();

const times: number[] = [];
let slowest = { path: "", ms: 0, bytes: 0 };
let totalBytes = 0;
let records = 0;
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let r = 0; r < repeat; r++) {
  for (const [i, a] of articles.entries()) {
    const t0 = performance.now();
    const result = extractArticle({ text: a.text });
    const ms = performance.now() - t0;
    records += result.quotes.length + result.figures.length + result.events.length;
    times.push(ms);
    totalBytes += bytesOf(a.text);
    if (ms > slowest.ms) slowest = { path: relative(textDir, a.path), ms, bytes: bytesOf(a.text) };
    if (i % 50 === 0) sampleMemory();
  }
}
const wallMs = performance.now() - started;
const cpuUsed = process.cpuUsage(cpuStarted);
// Process CPU time of the loop, all threads (V8's GC and compiler threads too, so it can exceed
// wall time): on a shared, loaded machine it is steadier than wall time, which counts the time
// other processes held the core.
const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
sampleMemory();

const sorted = [...times].sort((a, b) => a - b);
const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const cpuTime = process.cpuUsage();
const result = {
  date: new Date().toISOString(),
  machine: {
    hostname: hostname(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    totalMemMB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    loadAverage1m: loadavg()[0],
  },
  corpus: { dir: textDir, articles: articles.length, repeat, bytes: totalBytes },
  throughput: {
    mbPerSec: totalBytes / 1e6 / (wallMs / 1000),
    articlesPerSec: times.length / (wallMs / 1000),
    wallMs,
    cpuMs,
    mbPerCpuSec: totalBytes / 1e6 / (cpuMs / 1000),
  },
  perArticleMs: { p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: sorted[sorted.length - 1], mean: wallMs / times.length },
  cold: { importMs, firstArticleMs: coldMs },
  slowest,
  memory: { peakRssMB: peakRss / 2 ** 20, peakHeapUsedMB: peakHeap / 2 ** 20 },
  cpu: { userMs: cpuTime.user / 1000, systemMs: cpuTime.system / 1000 },
  records,
};

const rows: [string, string][] = [
  ["date", result.date.slice(0, 19).replace("T", " ")],
  ["machine", `${result.machine.cpus} x ${result.machine.cpuModel}, node ${result.machine.node}`],
  ["articles (x repeat)", `${articles.length} x ${repeat}`],
  ["MB text", (totalBytes / 1e6).toFixed(2)],
  ["MB/s (wall)", result.throughput.mbPerSec.toFixed(2)],
  ["MB/s (process CPU, all threads)", result.throughput.mbPerCpuSec.toFixed(2)],
  ["articles/s (wall)", result.throughput.articlesPerSec.toFixed(0)],
  ["load average (1 min)", loadavg()[0].toFixed(1)],
  ["p50 ms/article", result.perArticleMs.p50.toFixed(2)],
  ["p90 ms/article", result.perArticleMs.p90.toFixed(2)],
  ["p99 ms/article", result.perArticleMs.p99.toFixed(2)],
  ["slowest", `${slowest.path} ${slowest.ms.toFixed(1)} ms (${(slowest.bytes / 1024).toFixed(1)} KB)`],
  ["cold import ms", importMs.toFixed(0)],
  ["cold first article ms", coldMs.toFixed(0)],
  ["peak RSS MB", result.memory.peakRssMB.toFixed(0)],
  ["peak heap used MB", result.memory.peakHeapUsedMB.toFixed(0)],
];
if (!quiet) {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("extract benchmark (one core, BBC plain text)");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

const out = option("out") ?? join(here, "results", `extract-${result.date.slice(0, 10)}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
if (!quiet) console.log(`  written ${relative(process.cwd(), out)}`);
