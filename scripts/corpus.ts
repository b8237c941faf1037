// Runs the full extraction pipeline over the development corpus in ../shared/corpus:
// (a) robustness and speed on every plain-text and HTML article, and (b) boilerplate removal and
// metadata accuracy on the HTML pages against their expected output.
// Usage: npm run corpus [-- --verbose]   (exit code 1 on a crash, an article over 1 s, or a dated text article)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { extractArticle, type ExtractedArticle } from "../src/extract/index.js";

const shared = resolve(process.env.SHARED_DIR ?? "../shared");
const corpus = join(shared, "corpus");
const verbose = process.argv.includes("--verbose");
const SLOW_MS = 1000;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, keep));
    else if (keep(entry.name)) found.push(path);
  }
  return found.sort();
}

interface Run {
  path: string;
  bytes: number;
  ms: number;
  result: ExtractedArticle | null;
  error: string | null;
}

function run(path: string, kind: "text" | "html"): Run {
  const content = readFileSync(path, "utf8");
  const started = performance.now();
  try {
    const result = extractArticle(kind === "html" ? { html: content } : { text: content });
    // Records must serialise, as the extract command prints them.
    JSON.stringify(result);
    return { path, bytes: Buffer.byteLength(content), ms: performance.now() - started, result, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { path, bytes: Buffer.byteLength(content), ms: performance.now() - started, result: null, error: message };
  }
}

const fold = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f«»"]/g, " ")
    .replace(/[\u2010-\u2015-]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
const tokens = (s: string) => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];

/** Token-level F1 of a body against the expected text (multiset overlap). */
function tokenF1(body: string, expected: string): { precision: number; recall: number; f1: number } {
  const want = new Map<string, number>();
  const expectedTokens = tokens(expected);
  for (const t of expectedTokens) want.set(t, (want.get(t) ?? 0) + 1);
  const got = tokens(body);
  let overlap = 0;
  for (const t of got) {
    const left = want.get(t) ?? 0;
    if (left > 0) {
      overlap++;
      want.set(t, left - 1);
    }
  }
  const precision = got.length ? overlap / got.length : 0;
  const recall = expectedTokens.length ? overlap / expectedTokens.length : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

function readJson(path: string): Record<string, unknown> | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const pct = (x: number) => (Number.isNaN(x) ? "  n/a" : (100 * x).toFixed(1).padStart(5));

// (a) robustness and speed. One throw-away call first, so that lazily built tables of the
// pipeline's stages are not charged to the first article.
extractArticle({ text: "Warm-up\n\nOfficials in Paris said on Monday that talks would resume." });
const textFiles = filesUnder(join(corpus, "text"), (n) => n.endsWith(".txt"));
const htmlFiles = filesUnder(join(corpus, "html"), (n) => n.endsWith(".html") && !n.includes(".expected."));
const runs = { text: textFiles.map((p) => run(p, "text")), html: htmlFiles.map((p) => run(p, "html")) };

console.log(`corpus: ${corpus}`);
console.log("set    articles  crashes  MB/s   slowest(ms)  quotes/art  figures/art  entities/art  none: quotes figures entities  dated");
for (const [kind, list] of Object.entries(runs)) {
  const ok = list.filter((r) => r.result);
  const per = (f: (a: ExtractedArticle) => number) => mean(ok.map((r) => f(r.result!)));
  const entityCount = (a: ExtractedArticle) =>
    a.entities.people.length + a.entities.places.length + a.entities.organizations.length;
  const none = (f: (a: ExtractedArticle) => number) => ok.filter((r) => f(r.result!) === 0).length;
  const totalMs = list.reduce((s, r) => s + r.ms, 0);
  const totalBytes = list.reduce((s, r) => s + r.bytes, 0);
  const slowest = list.reduce((a, b) => (b.ms > a.ms ? b : a), list[0]);
  console.log(
    [
      kind.padEnd(6),
      String(list.length).padStart(8),
      String(list.length - ok.length).padStart(8),
      (totalBytes / 1e6 / (totalMs / 1000)).toFixed(2).padStart(6),
      `${slowest ? slowest.ms.toFixed(0) : "-"}`.padStart(12),
      per((a) => a.quotes.length).toFixed(2).padStart(11),
      per((a) => a.figures.length).toFixed(2).padStart(12),
      per(entityCount).toFixed(2).padStart(13),
      String(none((a) => a.quotes.length)).padStart(13),
      String(none((a) => a.figures.length)).padStart(7),
      String(none(entityCount)).padStart(8),
      String(ok.filter((r) => r.result!.publishedAt !== null).length).padStart(6),
    ].join(" "),
  );
  if (slowest) console.log(`  slowest: ${slowest.path.slice(corpus.length + 1)} (${(slowest.bytes / 1024).toFixed(0)} KB)`);
  for (const r of list.filter((r) => r.error)) console.log(`  CRASH ${r.path}: ${r.error}`);
  for (const r of list.filter((r) => r.ms > SLOW_MS)) console.log(`  SLOW ${r.path}: ${r.ms.toFixed(0)} ms`);
}
// The run fails (exit code 1) on any crash or article over SLOW_MS, so that CI can gate on it.
const failures = [...runs.text, ...runs.html].filter((r) => r.error || r.ms > SLOW_MS).length;
if (failures) process.exitCode = 1;
const datedText = runs.text.filter((r) => r.result?.publishedAt);
console.log(`text articles with a publishedAt (must be 0): ${datedText.length}`);
if (datedText.length) process.exitCode = 1;
console.log(`crashes or articles over ${SLOW_MS} ms (must be 0): ${failures}`);
for (const r of datedText.slice(0, 5)) console.log(`  ${r.path}: ${r.result!.publishedAt}`);

// (b) boilerplate removal and metadata on the HTML pages
interface PageScore {
  name: string;
  source: string;
  f1?: number;
  precision?: number;
  recall?: number;
  kept?: [number, number];
  dropped?: [number, number];
  title?: boolean;
  date?: boolean;
}
const pages: PageScore[] = [];
for (const r of runs.html) {
  if (!r.result) continue;
  const base = r.path.slice(0, -".html".length);
  const source = r.path.slice(join(corpus, "html").length + 1).split("/")[0];
  const page: PageScore = { name: base.slice(join(corpus, "html").length + 1), source };
  const body = fold(r.result.body);
  if (existsSync(`${base}.expected.txt`)) Object.assign(page, tokenF1(r.result.body, readFileSync(`${base}.expected.txt`, "utf8")));
  const traf = readJson(`${base}.expected.json`);
  const meta = readJson(`${base}.expected-metadata.json`);
  if (traf) {
    const keep = (traf.with as string[] | undefined) ?? [];
    const drop = (traf.without as string[] | undefined) ?? [];
    page.kept = [keep.filter((s) => body.includes(fold(s))).length, keep.length];
    page.dropped = [drop.filter((s) => !body.includes(fold(s))).length, drop.length];
  }
  const expectedTitle = (meta?.title ?? traf?.title) as string | undefined;
  const expectedDate = (meta?.publishedTime ?? meta?.publish_date ?? traf?.date) as string | null | undefined;
  if (expectedTitle) page.title = fold(r.result.title ?? "") === fold(expectedTitle);
  if (expectedDate) page.date = r.result.publishedAt === expectedDate.slice(0, 10);
  pages.push(page);
  if (verbose && ((page.f1 ?? 1) < 0.8 || page.title === false || page.date === false || (page.kept && page.kept[0] < page.kept[1]) || (page.dropped && page.dropped[0] < page.dropped[1]))) {
    console.log(
      `  ${page.name}: f1=${page.f1?.toFixed(2)} p=${page.precision?.toFixed(2)} r=${page.recall?.toFixed(2)} kept=${page.kept} dropped=${page.dropped}` +
        (page.title === false ? ` title=${JSON.stringify(r.result.title)} want ${JSON.stringify(expectedTitle)}` : "") +
        (page.date === false ? ` date=${r.result.publishedAt} want ${expectedDate}` : ""),
    );
  }
}

console.log("\nsource                pages  F1(n)          P      R      keep snippets   drop snippets   title(n)      date(n)");
const groups = [...new Set(pages.map((p) => p.source)), "all"];
for (const group of groups) {
  const list = group === "all" ? pages : pages.filter((p) => p.source === group);
  const withText = list.filter((p) => p.f1 !== undefined);
  const sum = (f: (p: PageScore) => [number, number] | undefined) =>
    list.reduce<[number, number]>((acc, p) => {
      const v = f(p);
      return v ? [acc[0] + v[0], acc[1] + v[1]] : acc;
    }, [0, 0]);
  const kept = sum((p) => p.kept);
  const dropped = sum((p) => p.dropped);
  const titled = list.filter((p) => p.title !== undefined);
  const dated = list.filter((p) => p.date !== undefined);
  const rate = ([a, b]: [number, number]) => `${pct(b ? a / b : NaN)}% (${a}/${b})`.padEnd(16);
  console.log(
    [
      group.padEnd(21),
      String(list.length).padStart(5),
      ` ${pct(mean(withText.map((p) => p.f1!)))} (${withText.length})`.padEnd(14),
      pct(mean(withText.map((p) => p.precision!))),
      pct(mean(withText.map((p) => p.recall!))),
      "  " + rate(kept),
      rate(dropped),
      `${pct(mean(titled.map((p) => (p.title ? 1 : 0))))} (${titled.length})`.padEnd(13),
      `${pct(mean(dated.map((p) => (p.date ? 1 : 0))))} (${dated.length})`,
    ].join(" "),
  );
}
