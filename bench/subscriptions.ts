// Subscription fan-out: many WebSocket and SSE subscribers on one server process, fed by a steady
// ingest in this process; time from commit (storeArticle returned) to arrival at each subscriber.
// File descriptors: `npm run bench` raises the soft limit to the hard one (ulimit -n) before
// starting, and child processes inherit it; each subscriber costs the server one descriptor.
import { openStore } from "../src/db/client.js";
import { storeArticle } from "../src/ingest/pipeline.js";
import { loadBaseArticles } from "./corpus.js";
import { synthesize } from "./generator.js";
import { forkReady, freePort, percentile, processUsage, request, stopChild } from "./lib.js";

export interface SubscriptionOptions {
  databaseUrl: string;
  wsSubscribers: number;
  sseSubscribers: number;
  seconds: number;
  log: (...m: unknown[]) => void;
  query?: string;
}

const CLIENT_PROCESSES = 2;

export async function runSubscriptions(o: SubscriptionOptions): Promise<Record<string, unknown>> {
  const port = await freePort();
  const { child: server, ready } = await forkReady<{ cmd: string; url: string }>("bench/serve.ts", { DATABASE_URL: o.databaseUrl, PORT: String(port) });
  const url = ready.url.replace("localhost", "127.0.0.1");
  const pid = server.pid!;
  const clients: Awaited<ReturnType<typeof forkReady>>["child"][] = [];
  const publisher = await openStore({ databaseUrl: o.databaseUrl, maxConnections: 2 });
  try {
    const idle = processUsage(pid);
    const subscribeStarted = Date.now();
    let failed = 0;
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      const share = (n: number) => Math.floor(n / CLIENT_PROCESSES) + (i < n % CLIENT_PROCESSES ? 1 : 0);
      const { child, ready: r } = await forkReady<{ cmd: string; failed: number }>(
        "bench/sub-clients.ts",
        { URL: url, WS_COUNT: String(share(o.wsSubscribers)), SSE_COUNT: String(share(o.sseSubscribers)), ...(o.query ? { SUB_QUERY: o.query } : {}) },
        600_000,
      );
      failed += r.failed;
      clients.push(child);
    }
    const subscribeSeconds = (Date.now() - subscribeStarted) / 1000;
    o.log(`subscribed ${o.wsSubscribers} WS + ${o.sseSubscribers} SSE in ${subscribeSeconds.toFixed(1)} s (${failed} failed)`);
    await new Promise((r) => setTimeout(r, 2000));
    const subscribed = processUsage(pid);

    // Steady ingest: one article with events every 500 ms, dated far from the loaded corpus so its events are new.
    const bases = loadBaseArticles(200).articles.map((a) => a.extracted).filter((e) => e.events.length > 0);
    const articles = synthesize(bases, { seed: Date.now() % 100_000, startDate: "2031-01-01", spanDays: 3000 });
    const committedAt = new Map<number, number>();
    let peakRss = subscribed.rssMiB;
    const cpuStart = processUsage(pid).cpuSeconds;
    const clientsCpu = () => clients.reduce((sum, c) => sum + processUsage(c.pid!).cpuSeconds, 0);
    const clientsCpuStart = clientsCpu();
    const ingestStarted = Date.now();
    let published = 0;
    while (Date.now() - ingestStarted < o.seconds * 1000) {
      const next = Date.now() + 500;
      const { value } = articles.next();
      const { origin, extracted } = value!;
      const result = await storeArticle(publisher.db, { ...origin, url: `${origin.url}-sub-${Date.now()}` }, extracted);
      const at = Date.now();
      if (!result.duplicate && result.addedEventIds.length > 0) {
        const rows = await publisher.rows<{ seq: string }>("select seq::text as seq from feed_entries where article_id = $1 and kind = 'added'", [result.articleId]);
        for (const r of rows) committedAt.set(Number(r.seq), at);
        published += rows.length;
      }
      peakRss = Math.max(peakRss, processUsage(pid).rssMiB);
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    // Let deliveries drain (bounded).
    const expected = published * (o.wsSubscribers + o.sseSubscribers - failed);
    const drainUntil = Date.now() + 30_000;
    const latencies: { ws: number[]; sse: number[] } = { ws: [], sse: [] };
    let delivered = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      peakRss = Math.max(peakRss, processUsage(pid).rssMiB);
      // cheap progress probe: server CPU idle means the fan-out is done
      const a = processUsage(pid).cpuSeconds;
      await new Promise((r) => setTimeout(r, 1000));
      const b = processUsage(pid).cpuSeconds;
      if (b - a < 0.1 || Date.now() > drainUntil) break;
    }
    const cpuSeconds = processUsage(pid).cpuSeconds - cpuStart;
    const clientsCpuSeconds = clientsCpu() - clientsCpuStart;
    const wallSeconds = (Date.now() - ingestStarted) / 1000;
    for (const client of clients) {
      const { arrivals } = await request<{ cmd: string; arrivals: { ws: number[]; sse: number[] } }>(client, { cmd: "report" }, "report");
      for (const kind of ["ws", "sse"] as const) {
        const list = arrivals[kind];
        for (let i = 0; i < list.length; i += 2) {
          const at = committedAt.get(list[i]);
          if (at === undefined) continue;
          latencies[kind].push(list[i + 1] - at);
          delivered++;
        }
      }
    }
    const all = [...latencies.ws, ...latencies.sse].sort((a, b) => a - b);
    latencies.ws.sort((a, b) => a - b);
    latencies.sse.sort((a, b) => a - b);
    const result = {
      subscribers: o.wsSubscribers + o.sseSubscribers - failed,
      wsSubscribers: o.wsSubscribers,
      sseSubscribers: o.sseSubscribers,
      failedToSubscribe: failed,
      subscribeSeconds: Math.round(subscribeSeconds * 10) / 10,
      eventsPublished: published,
      deliveries: delivered,
      deliveredFraction: expected ? Math.round((delivered / expected) * 1000) / 1000 : null,
      p50ms: percentile(all, 50),
      p99ms: percentile(all, 99),
      maxms: all.at(-1) ?? null,
      wsP99ms: percentile(latencies.ws, 99),
      sseP99ms: percentile(latencies.sse, 99),
      rssMiB: Math.round(peakRss),
      rssIdleMiB: Math.round(idle.rssMiB),
      rssSubscribedMiB: Math.round(subscribed.rssMiB),
      serverCpuPercent: Math.round((cpuSeconds / wallSeconds) * 100),
      serverCpuSeconds: Math.round(cpuSeconds * 10) / 10,
      // The measuring clients share the machine's cores with the server.
      clientsCpuSeconds: Math.round(clientsCpuSeconds * 10) / 10,
      query: o.query ?? "subscription { eventAdded { cursor node { id title } } }",
    };
    o.log("subscriptions", result);
    return result;
  } finally {
    for (const c of clients) await stopChild(c, 3000);
    await stopChild(server);
    await publisher.close();
  }
}
