import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer } from "../src/server.js";
import { startServerProcess } from "./helpers/processes.js";
import { storeFactories } from "./helpers/stores.js";

const EVENT_ADDED = `subscription { eventAdded { cursor node { title } } }`;
const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestArticlePayload { duplicate article { title } } ... on IngestError { code message } }
}`;

const CITIES = ["Oslo", "Bergen", "Tromso", "Stavanger", "Kyiv", "Berlin", "Paris", "Madrid", "Lisbon", "Vienna", "Prague", "Warsaw"];

/** A long invented report, so that its ingest has many statements to run. */
function longReport(): string {
  const paragraphs = Array.from({ length: 30 }, (_, i) => {
    const city = CITIES[i % CITIES.length];
    return `Officials met in ${city} on Tuesday to discuss grain exports, ministers said. Police arrested ${i + 3} protesters outside the venue in ${city}.`;
  });
  return `Ministers meet across Europe\n\n${paragraphs.join("\n\n")}`;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A WebSocket subscription that records its completion and the socket's close code. */
function wsSubscription(httpUrl: string) {
  const state = { connected: false, completed: false, errored: null as unknown, closeCode: null as number | null };
  const client = createWsClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { connected: () => (state.connected = true), closed: (event) => (state.closeCode = (event as { code: number }).code) },
  });
  client.subscribe({ query: EVENT_ADDED }, { next: () => {}, error: (e) => (state.errored = e), complete: () => (state.completed = true) });
  return { state, client };
}

describe.each(storeFactories)("graceful shutdown on $kind", (factory) => {
  it("finishes an ingest in flight, ends SSE and WebSocket subscriptions cleanly and refuses new requests", async () => {
    const store = await factory.open();
    try {
      const server = await startServer(store, { port: 0, maxArticleBytes: 1024 * 1024 });
      const ws = wsSubscription(server.url);
      const sse = { completed: false, errored: null as unknown };
      const sseClient = createSseClient({ url: server.url, retryAttempts: 0 });
      sseClient.subscribe({ query: EVENT_ADDED }, { next: () => {}, error: (e) => (sse.errored = e), complete: () => (sse.completed = true) });
      await until(() => ws.state.connected && server.feed.subscriberCount === 2, "both subscriptions");

      // Shutdown begins in the middle of the ingest's transaction, as its article row is written.
      let closed: Promise<void> | null = null;
      let ingestsAtClose = -1;
      const stopWatching = store.onQuery((query) => {
        if (closed || !/^insert into "articles"/i.test(query)) return;
        ingestsAtClose = server.inFlightIngests;
        closed = server.close();
      });
      const ingest = fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: INGEST, variables: { input: { text: longReport(), url: "https://news.example/long" } } }),
      }).then((r) => r.json() as Promise<{ data?: any; errors?: unknown }>);
      await until(() => closed !== null, "the ingest to write its article", 60_000);
      stopWatching();
      expect(ingestsAtClose).toBe(1);

      // No new requests once shutdown began: a new connection is refused, a kept-alive one gets 503.
      const late = await fetch(server.url.replace(/graphql$/, "healthz"), { headers: { connection: "close" } }).then(
        (r) => r.status,
        () => "refused",
      );
      expect(late === "refused" || late === 503).toBe(true);

      const result = await ingest;
      expect(result.errors).toBeUndefined();
      expect(result.data.ingestArticle).toMatchObject({ __typename: "IngestArticlePayload", duplicate: false, article: { title: "Ministers meet across Europe" } });
      await closed;
      const rows = await store.rows<{ n: number }>("select count(*)::int as n from articles where url = 'https://news.example/long'");
      expect(Number(rows[0].n)).toBe(1);

      await until(() => ws.state.completed && ws.state.closeCode !== null && sse.completed, "subscriptions to end");
      expect(ws.state.errored).toBeNull();
      expect(ws.state.closeCode).toBe(1001);
      expect(sse.errored).toBeNull();
      expect(server.feed.subscriberCount).toBe(0);
      await ws.client.dispose();
      sseClient.dispose();
      // close() is idempotent.
      await server.close();
    } finally {
      await store.destroy();
    }
  });

  it("exits 0 on SIGTERM from `serve`, closing WebSocket clients normally", async () => {
    const store = await factory.open();
    const env: Record<string, string> = store.databaseUrl
      ? { DATABASE_URL: store.databaseUrl, LOG_LEVEL: "info" }
      : { DATABASE_URL: "", DATA_DIR: mkdtempSync(join(tmpdir(), "newsgraph-shutdown-")), LOG_LEVEL: "info" };
    if (!store.databaseUrl) await store.close();
    try {
      const server = await startServerProcess(env);
      const ws = wsSubscription(server.url);
      await until(() => ws.state.connected, "the WebSocket connection");
      const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
      server.child.kill("SIGTERM");
      expect(await exited).toBe(0);
      await until(() => ws.state.closeCode !== null, "the WebSocket close");
      expect(ws.state.completed).toBe(true);
      expect(ws.state.closeCode).toBe(1001);
      await ws.client.dispose();
    } finally {
      await store.destroy().catch(() => {});
    }
  });
});
