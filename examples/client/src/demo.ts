/**
 * The client end to end: lists the latest events, subscribes to new ones, ingests an article
 * (and a refused one), and prints what came back as one JSON object.
 *
 *   npx tsx examples/client/src/demo.ts http://localhost:4000/graphql [article.txt]
 */
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { NewsgraphClient, type EventSummary } from "./client";

const [url = "http://localhost:4000/graphql", file] = process.argv.slice(2);
const text =
  file !== undefined
    ? readFileSync(file, "utf8")
    : "Dockworkers protest in Oslo over pay\n\nPublished: 2024-03-05\n\nThousands of dockworkers protested in Oslo on Tuesday, demanding higher wages, the Norwegian Transport Workers Union said.\n";

const client = new NewsgraphClient(url, { token: process.env.NEWSGRAPH_TOKEN, webSocketImpl: globalThis.WebSocket ?? WebSocket });
try {
  const before = await client.latestEvents(10);

  // Subscribe from the feed position read above, so nothing ingested after it can be missed.
  const live = client.eventAdded({ after: before.eventFeedCursor ?? undefined });
  const firstLive = live.next();

  const ingested = await client.ingestArticle({ text, source: "Demo Wire" });
  const refused = await client.ingestArticle({ text: "   " });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no eventAdded within 20 s")), 20_000).unref());
  const pushed = await Promise.race([firstLive, timeout]);
  await live.return?.();
  const after = await client.latestEvents(10);

  const brief = (e: EventSummary) => ({
    title: e.title,
    type: e.type,
    date: e.date,
    place: e.place?.name ?? null,
    country: e.place?.country ?? null,
    mentionCount: e.mentionCount,
    outlets: [...new Set(e.mentions?.edges.map((m) => m.node.article?.source ?? null))],
    articles: e.mentions?.edges.map((m) => m.node.article?.title ?? null) ?? [],
  });
  process.stdout.write(
    JSON.stringify({
      before: { totalCount: before.events?.totalCount ?? 0 },
      ingested: ingested.ok ? { ok: true, duplicate: ingested.duplicate, added: ingested.added.map(brief) } : ingested,
      refused,
      live: pushed.done ? null : { kind: pushed.value.eventAdded?.kind, cursor: pushed.value.eventAdded?.cursor, event: pushed.value.eventAdded?.node && brief(pushed.value.eventAdded.node) },
      after: { totalCount: after.events?.totalCount ?? 0, latest: after.events?.edges.map((edge) => brief(edge.node)) ?? [] },
    }) + "\n",
  );
} finally {
  await client.close();
}
