// `npm run bench`: the Performance benchmark on this machine's real PostgreSQL.
// Loads a synthetic corpus (bench/generator.ts) into its own database (newsgraph_bench), measures
// queries against a real server process and its peers (PostGraphile, yoga + DataLoader, the raw
// SQL through pgbench), subscriptions fan-out, ingest and extraction; prints a table and writes
// bench/results/<date>.json and bench/results/latest.json.
//   npm run bench                    full run (100k articles: loads in ~6 min here; BENCH_ARTICLES=25000 for a quicker one)
//   npm run bench -- --quick         small run (BENCH_SCALE=0.05 unless set)
//   BENCH_SCALE=0.2 npm run bench    a fifth of everything (articles, durations, subscribers)
//   --only=load,query,peers,subs,ingest   run some sections (load is needed once per database)
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../src/db/client.js";
import { ingestArticle } from "../src/ingest/pipeline.js";
import { corpusFiles, loadBaseArticles, ROOT } from "./corpus.js";
import { BulkLoader, synthesize } from "./generator.js";
import { BENCH_DB, databaseUrl, forkReady, freePort, loadTest, type LoadResult, percentile, recreateDatabase, request, run, stopChild } from "./lib.js";
import { countRows, NEWSGRAPH_OPERATIONS, type OperationParams } from "./operations.js";
import { type Peer, startPeers } from "./peers/run.js";
import { runSubscriptions } from "./subscriptions.js";
import { readArticleFile } from "../src/ingest/files.js";
import { extractArticle } from "../src/extract/index.js";
import { DEFAULT_INGEST_CONCURRENCY } from "../src/config.js";
import pLimit from "p-limit";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const SCALE = Number(process.env.BENCH_SCALE ?? (quick ? 0.05 : 1));
const SECTIONS = ["load", "query", "peers", "subs", "ingest"];
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",") ?? SECTIONS;
const ARTICLES = Math.max(500, Math.round(Number(process.env.BENCH_ARTICLES ?? 100_000) * SCALE));
const SECONDS = Math.max(3, Math.round(10 * Math.min(1, SCALE * 4)));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const startedAt = Date.now();
const log = (...m: unknown[]) => console.error(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0)}s]`, ...m);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: "", database: BENCH_DB },
  config: { scale: SCALE, articles: ARTICLES, connections: CONNECTIONS, secondsPerRun: SECONDS },
};

const url = databaseUrl();
log(`benchmark database: ${BENCH_DB} on ${new URL(url).host} (dropped and re-created by the load step); scale ${SCALE}, ${ARTICLES} articles`);

// ------------------------------------------------------------------ 1. data at scale
// A function, not a block of the module's body: the loader's in-memory tables (rows of the whole
// load) stayed reachable from the suspended top-level await after the block, and the later
// sections, ingest among them, ran with that heap (measured at 25k articles: 114 against 38 MiB
// live after a full collection).
async function loadCorpus(): Promise<Record<string, unknown>> {
  await recreateDatabase();
  const store = await openStore({ databaseUrl: url, maxConnections: 2 });
  const baseLimit = Math.min(Infinity, Math.max(200, Math.round(2500 * Math.min(1, SCALE * 4))));
  const { articles: bases, extractMs, cached } = loadBaseArticles(baseLimit);
  log(`extracted ${bases.length} real articles ${cached ? "(cached)" : `in ${(extractMs / 1000).toFixed(1)} s`}`);
  const loader = new BulkLoader(store, { batchSize: 1000 });
  await loader.assertEmpty();
  const started = performance.now();
  let lastLog = started;
  for (const { origin, extracted } of synthesize(bases.map((b) => b.extracted), { seed: 42 })) {
    await loader.add(origin, extracted);
    if (loader.articles >= ARTICLES) break;
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      log(`loaded ${loader.articles} articles`);
    }
  }
  await loader.finish();
  const loadMs = performance.now() - started;
  // What autovacuum would do after a bulk load: statistics, and GIN pending lists merged into the
  // indexes. Then a checkpoint, so that the load's deferred page writes do not land, spread over
  // the next minutes, in the measurements of later sections.
  await store.rows("vacuum analyze");
  await store.rows("checkpoint");
  const rows: Record<string, number> = {};
  for (const table of ["articles", "entities", "events", "event_mentions", "event_participants", "article_entities", "quotes", "figures", "feed_entries"]) {
    const [row] = await store.rows<{ n: string }>(`select count(*)::text as n from ${table}`);
    rows[table] = Number(row.n);
  }
  const [size] = await store.rows<{ bytes: string }>("select pg_database_size(current_database())::text as bytes");
  const load = {
    baseArticles: bases.length,
    articles: loader.articles,
    duplicatesSkipped: loader.duplicates,
    seconds: round(loadMs / 1000, 1),
    articlesPerSecond: round(loader.articles / (loadMs / 1000), 0),
    rows,
    databaseMiB: round(Number(size.bytes) / 2 ** 20, 0),
  };
  log("load", load);
  await store.close();
  return load;
}
if (only.includes("load")) results.load = await loadCorpus();

const store = await openStore({ databaseUrl: url, maxConnections: 4 });
const [version] = await store.rows<{ v: string }>("select current_setting('server_version') as v");
(results.machine as Record<string, unknown>).postgres = version.v;
const params = await pickParams(store);
results.params = params;

// ------------------------------------------------------------------ 2. queries, 3. peers and the limit
// Newsgraph, its peers and the limit (pgbench) are measured operation by operation, one after
// the other, in ROUNDS rounds whose order alternates: this machine's speed drifts over minutes,
// and a ratio of two figures measured seconds apart is fair where one of two figures measured
// minutes apart is not. Each target gets SECONDS per operation in all.
if (only.includes("query")) {
  const ROUNDS = 2;
  const port = await freePort();
  const { child, ready } = await forkReady<{ cmd: string; url: string }>("bench/serve.ts", { DATABASE_URL: url, PORT: String(port), BENCH_POOL: String(CONNECTIONS + 2) });
  const serverUrl = ready.url.replace("localhost", "127.0.0.1");
  const bodies: Record<string, string> = {};
  const facts: Record<string, { sqlPerRequest: number; rows: number }> = {};
  const limitFiles: Record<string, string> = {};
  let peers: Peer[] = [];
  try {
    // What each operation answers and which statements it sends (the limit runs those).
    const dir = join(ROOT, "data", "bench-pgbench");
    mkdirSync(dir, { recursive: true });
    for (const op of NEWSGRAPH_OPERATIONS) {
      bodies[op.name] = JSON.stringify({ query: op.query, variables: op.variables(params) });
      await request(child, { cmd: "count" }, "counting");
      const answer = (await (await fetch(serverUrl, { method: "POST", headers: { "content-type": "application/json" }, body: bodies[op.name] })).json()) as { data?: unknown; errors?: unknown };
      const { statements } = await request<{ cmd: string; statements: { query: string; params: unknown[] }[] }>(child, { cmd: "report" }, "report");
      if (answer.errors) throw new Error(`${op.name}: ${JSON.stringify(answer.errors)}`);
      facts[op.name] = { sqlPerRequest: statements.length, rows: countRows(op.name, answer.data) };
      if (facts[op.name].rows === 0) throw new Error(`${op.name} answered no rows: it would measure nothing (${bodies[op.name]})`);
      // Prepared once per connection by pgbench, as Newsgraph's driver prepares them, so neither side re-plans per request.
      limitFiles[op.name] = join(dir, `${op.name}.sql`);
      writeFileSync(limitFiles[op.name], statements.map((s) => inlineParams(s.query, s.params) + ";\n").join(""));
    }
    if (only.includes("peers")) {
      peers = await startPeers({ databaseUrl: url, params, connections: CONNECTIONS, expectedRows: Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, v.rows])) });
    }
    const u = new URL(url);
    const pgbench = async (file: string, seconds: number): Promise<LoadResult> => {
      const out = await run("pgbench", ["-n", "-M", "prepared", "-c", String(CONNECTIONS), "-j", "2", "-T", String(seconds), "-f", file, "-h", u.hostname, "-p", u.port || "5432", "-U", u.username || "root", BENCH_DB]);
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      return { rps: tps, p50ms: 0, p99ms: 0, requests: Math.round(tps * seconds), errors: 0, non2xx: 0 };
    };
    const targets: { name: string; measure: (operation: string, seconds: number) => Promise<LoadResult> }[] = [
      { name: "newsgraph", measure: (operation, seconds) => loadTest(serverUrl, bodies[operation], CONNECTIONS, seconds) },
      ...peers.map((peer) => ({ name: peer.name, measure: (operation: string, seconds: number) => loadTest(peer.url, peer.bodies[operation], CONNECTIONS, seconds) })),
      { name: "limit", measure: (operation: string, seconds: number) => pgbench(limitFiles[operation], seconds) },
    ];
    const samples: Record<string, Record<string, LoadResult[]>> = Object.fromEntries(targets.map((t) => [t.name, {}]));
    const FLOORS = [
      ["http", new URL("/healthz", serverUrl).href, "{}"],
      ["graphql", serverUrl, JSON.stringify({ query: "{ __typename }" })],
    ] as const;
    const floorSamples: Record<string, LoadResult[]> = {};
    for (let pass = 0; pass < ROUNDS; pass++) {
      const order = pass % 2 === 0 ? targets : [...targets].reverse();
      for (const op of NEWSGRAPH_OPERATIONS) {
        for (const target of order) {
          if (pass === 0 && target.name !== "limit") await target.measure(op.name, 2); // warm-up
          (samples[target.name][op.name] ??= []).push(await target.measure(op.name, Math.max(1, Math.round(SECONDS / ROUNDS))));
        }
      }
      // The floors, in the same rounds: what one Node process answers with no database work at
      // all, as plain HTTP (/healthz) and as a GraphQL request through yoga ({ __typename }).
      for (const [floor, floorUrl, body] of FLOORS) {
        if (pass === 0) await loadTest(floorUrl, body, CONNECTIONS, 2);
        (floorSamples[floor] ??= []).push(await loadTest(floorUrl, body, CONNECTIONS, Math.max(1, Math.round(SECONDS / ROUNDS))));
      }
      log(`round ${pass + 1} of ${ROUNDS} measured`);
    }
    const combined = (runs: LoadResult[]): LoadResult => ({
      rps: round(mean(runs.map((r) => r.rps)), 1),
      p50ms: Math.round(mean(runs.map((r) => r.p50ms))),
      p99ms: Math.max(...runs.map((r) => r.p99ms)),
      requests: runs.reduce((n, r) => n + r.requests, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    });
    const perOperation = Object.fromEntries(
      NEWSGRAPH_OPERATIONS.map((op) => {
        const measured = combined(samples.newsgraph[op.name]);
        const limitTps = round(combined(samples.limit[op.name]).rps, 0);
        return [op.name, { ...measured, ...facts[op.name], limitTps, ratioLimit: round(measured.rps / limitTps, 2) }];
      }),
    );
    for (const [name, o] of Object.entries(perOperation)) log(name, o);
    const ops = Object.values(perOperation);
    const ratioTo = (peer: string) => {
      const ratios = NEWSGRAPH_OPERATIONS.filter((op) => samples[peer]?.[op.name]).map((op) => perOperation[op.name].rps / combined(samples[peer][op.name]).rps);
      return ratios.length ? round(geomean(ratios), 2) : null;
    };
    results.query = {
      operations: perOperation,
      rps: round(mean(ops.map((o) => o.rps)), 0),
      p50ms: Math.max(...ops.map((o) => o.p50ms)),
      p99ms: Math.max(...ops.map((o) => o.p99ms)),
      sqlPerRequest: Math.max(...ops.map((o) => o.sqlPerRequest)),
      ratioLimit: round(geomean(ops.map((o) => o.ratioLimit)), 2),
      ratioPostgraphile: ratioTo("postgraphile"),
      ratioDataloader: ratioTo("dataloader"),
      // Requests per second of the same server doing no database work, and that as a share of the
      // limit: the most any one-process server could reach here (see the README).
      floors: Object.fromEntries(
        FLOORS.map(([floor]) => {
          const rps = combined(floorSamples[floor]).rps;
          return [floor, { rps, ratioLimit: round(geomean(ops.map((o) => rps / o.limitTps)), 2) }];
        }),
      ),
      rounds: ROUNDS,
      note: "each target measured operation by operation, interleaved, in rounds of alternating order; rps: mean over the operations (per operation: mean over rounds); p50/p99: worst operation (p99: worst round); sqlPerRequest: most statements any one request sent; ratios: geometric mean over operations of Newsgraph rps / peer rps",
    };
    if (peers.length > 0) {
      results.peers = Object.fromEntries(
        peers.map((peer) => [peer.name, Object.fromEntries(NEWSGRAPH_OPERATIONS.map((op) => [op.name, { ...combined(samples[peer.name][op.name]), rows: facts[op.name].rows }]))]),
      );
    }
  } finally {
    await Promise.all([stopChild(child), ...peers.map((peer) => stopChild(peer.child))]);
  }
}

// ------------------------------------------------------------------ 4. subscriptions
if (only.includes("subs")) {
  results.subscriptions = await runSubscriptions({
    databaseUrl: url,
    wsSubscribers: Number(process.env.BENCH_WS ?? Math.max(200, Math.round(10_000 * SCALE))),
    sseSubscribers: Number(process.env.BENCH_SSE ?? Math.max(20, Math.round(1_000 * SCALE))),
    seconds: Math.max(10, Math.round(30 * Math.min(1, SCALE * 4))),
    log,
  });
}

// ------------------------------------------------------------------ 5. ingest and extraction
if (only.includes("ingest")) {
  // 300 articles each way: at ~100 articles/s a smaller sample measured a second or two, and
  // runs of this section alone varied by a third.
  const files = corpusFiles(Math.max(60, Math.round(600 * Math.min(1, SCALE * 4))));
  // Each run's articles must be new to the store: the loaded corpus was derived from these very
  // texts, and a duplicate (same URL or same text) is answered without writing anything. A closing
  // sentence unique to the run makes each text new; its stories still merge into stored events,
  // as a later report of the same story would.
  const runId = Date.now().toString(36);
  const inputs = files.map((file, i) => {
    const article = readArticleFile(file);
    const marker = `\n\nThis copy is number ${i + 1} of benchmark run ${runId}.`;
    return {
      ...article,
      ...(article.text != null ? { text: article.text + marker } : {}),
      ...(article.html != null ? { html: article.html.replace(/<\/body>/i, `<p>${marker.trim()}</p></body>`) } : {}),
      url: `https://bench-ingest.example/${runId}/${i}`,
      source: "bench-ingest.example",
      publishedAt: "2020-06-15",
    };
  });
  // Extraction alone (bench/extract.ts has the full extraction benchmark). The first article
  // also loads the gazetteer and is reported on its own; the first pass over the sample runs
  // while V8 is still compiling the extractors (measured: 0.7-0.8 MB/s, against 2.0-2.6 MB/s by
  // the fourth pass), and is reported as such. The throughput is a warm process's, as a
  // long-running ingest is after its first few hundred articles: warmed up on 600 other articles
  // of the corpus, then the sample twice (extraction keeps nothing between articles: a second
  // pass measured as fast as the first in a warm process, 2.71 and 2.66 MB/s).
  const tCold = performance.now();
  extractArticle(inputs[0]);
  const coldFirstMs = performance.now() - tCold;
  const bytes = inputs.reduce((n, input) => n + Buffer.byteLength(input.text ?? input.html ?? ""), 0);
  const timedPass = (batch: Parameters<typeof extractArticle>[0][]) => {
    const t0 = performance.now();
    for (const input of batch) extractArticle(input);
    return (performance.now() - t0) / 1000;
  };
  const firstPassSeconds = timedPass(inputs);
  timedPass(corpusFiles(files.length + 600).slice(files.length).map((file) => ({ ...readArticleFile(file), publishedAt: "2020-06-15" })));
  const extractSeconds = (timedPass(inputs) + timedPass(inputs)) / 2;
  results.extract = {
    articles: inputs.length,
    mbPerSecond: round(bytes / 1e6 / extractSeconds, 3),
    articlesPerSecond: round(inputs.length / extractSeconds, 1),
    firstPassMbPerSecond: round(bytes / 1e6 / firstPassSeconds, 3),
    coldFirstArticleMs: round(coldFirstMs, 0),
    note: "mbPerSecond: a warm process (after 600 other articles), mean of two passes over the sample; firstPassMbPerSecond: the first pass of a new process, while V8 still compiles",
  };
  // End to end: extract + entity/event merge + store + feed publish into the loaded store, with as
  // many articles in flight as `newsgraph ingest` keeps by default, and (half the articles each) one
  // at a time. Each article is its own transaction either way.
  const half = Math.floor(inputs.length / 2);
  const ingestRun = async (batch: typeof inputs, concurrency: number) => {
    const inFlight = pLimit(concurrency);
    const times: number[] = [];
    let duplicates = 0;
    const t = performance.now();
    await Promise.all(
      batch.map((input) =>
        inFlight(async () => {
          const s = performance.now();
          if ((await ingestArticle(store.db, input)).duplicate) duplicates++;
          times.push(performance.now() - s);
        }),
      ),
    );
    return { seconds: (performance.now() - t) / 1000, times: times.sort((a, b) => a - b), duplicates };
  };
  const sequential = await ingestRun(inputs.slice(0, half), 1);
  const concurrent = await ingestRun(inputs.slice(half), DEFAULT_INGEST_CONCURRENCY);
  results.ingest = {
    articles: inputs.length,
    duplicates: sequential.duplicates + concurrent.duplicates,
    concurrency: DEFAULT_INGEST_CONCURRENCY,
    articlesPerSecond: round((inputs.length - half) / concurrent.seconds, 1),
    p50ms: round(percentile(concurrent.times, 50), 1),
    p99ms: round(percentile(concurrent.times, 99), 1),
    sequentialArticlesPerSecond: round(half / sequential.seconds, 1),
    sequentialP50ms: round(percentile(sequential.times, 50), 1),
    note: "one Node process; articlesPerSecond with `concurrency` articles in flight (newsgraph ingest's default), sequential* one at a time; half the articles each, into the loaded benchmark database",
  };
  log("extract", results.extract, "ingest", results.ingest);
}

await store.close();
results.seconds = round((Date.now() - startedAt) / 1000, 0);
const outDir = join(ROOT, "bench", "results");
mkdirSync(outDir, { recursive: true });
const json = JSON.stringify(results, null, 2) + "\n";
writeFileSync(join(outDir, `${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}.json`), json);
// latest.json is the latest complete run, whose keys outside checks read: a run of some sections
// (--only) is written to its dated file alone.
const complete = SECTIONS.every((section) => only.includes(section));
if (complete) writeFileSync(join(outDir, "latest.json"), json);
else log(`--only: not a complete run, so bench/results/latest.json is left as it was`);
printTable(results);

// ------------------------------------------------------------------ helpers

/** Real values for the operations' arguments: the busiest person, place and type in the data. */
async function pickParams(s: Store): Promise<OperationParams> {
  // The most quoted person who takes part in events and whom a search by name finds first: a
  // person search matches any name containing it, ordered by name ("Brown and Tony Blair" would
  // come before "Tony Blair", and the page would measure a person without quotes or events).
  const [person] = await s.rows<{ name: string }>(
    `select e.name from entities e join quotes q on q.speaker_id = e.id where e.kind = 'person'
     and exists (select 1 from event_participants p where p.entity_id = e.id)
     and not exists (select 1 from entities o where o.kind = 'person' and o.id <> e.id
       and o.name ilike '%' || e.name || '%' and (o.name, o.id) < (e.name, e.id))
     group by e.id order by count(*) desc limit 1`,
  );
  const [search] = await s.rows<{ type: string; place: string; from: string; to: string }>(
    `select ev.type, p.name as place, min(ev.date)::text as from, max(ev.date)::text as to
     from events ev join entities p on p.id = ev.place_id where ev.date is not null
     group by ev.type, p.name order by count(*) desc limit 1`,
  );
  return {
    person: person?.name ?? "nobody",
    type: search?.type ?? "CONSULT",
    place: search?.place ?? "London",
    from: search?.from ?? "2015-01-01",
    to: search?.to ?? "2025-12-31",
    search: "government",
  };
}

function inlineParams(query: string, values: unknown[]): string {
  return query.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `'{${value.map((v) => `"${String(v).replace(/["\\]/g, "\\$&")}"`).join(",")}}'`;
  if (typeof value === "object") return `'${JSON.stringify(value).replace(/'/g, "''")}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function geomean(xs: number[]): number {
  return Math.exp(mean(xs.map(Math.log)));
}

function printTable(r: Record<string, unknown>) {
  const lines: string[] = [];
  const q = r.query as Record<string, unknown> & { operations?: Record<string, Record<string, number>> } | undefined;
  lines.push(`Newsgraph benchmark ${r.date} — ${JSON.stringify(r.machine)}`);
  if (r.load) lines.push(`load: ${JSON.stringify(r.load)}`);
  if (q?.operations) {
    const peers = (r.peers ?? {}) as Record<string, Record<string, LoadResult>>;
    lines.push("operation        rps     p50ms  p99ms  sql/req  limit tps  /limit  postgraphile rps  dataloader rps");
    for (const [name, o] of Object.entries(q.operations)) {
      lines.push(
        `${name.padEnd(15)} ${String(Math.round(o.rps)).padStart(6)} ${String(o.p50ms).padStart(7)} ${String(o.p99ms).padStart(6)} ${String(o.sqlPerRequest).padStart(8)} ${String(o.limitTps).padStart(10)} ${String(o.ratioLimit).padStart(7)} ${String(Math.round(peers.postgraphile?.[name]?.rps ?? NaN)).padStart(17)} ${String(Math.round(peers.dataloader?.[name]?.rps ?? NaN)).padStart(15)}`,
      );
    }
    lines.push(`query: rps ${q.rps}, p99 ${q.p99ms} ms, sql/request ${q.sqlPerRequest}, ×PostGraphile ${q.ratioPostgraphile}, ×DataLoader ${q.ratioDataloader}, ×limit ${q.ratioLimit}`);
    lines.push(`floors (no database work): ${JSON.stringify(q.floors)}`);
  }
  if (r.subscriptions) lines.push(`subscriptions: ${JSON.stringify(r.subscriptions)}`);
  if (r.ingest) lines.push(`ingest: ${JSON.stringify(r.ingest)}`);
  if (r.extract) lines.push(`extract: ${JSON.stringify(r.extract)}`);
  console.log(lines.join("\n"));
}
