import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer, type RunningServer } from "../src/server.js";
import { runCli } from "./helpers/processes.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const TOKEN = "s3cret-ingest-token";

const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestError { code message } ... on IngestArticlePayload { duplicate article { title } } }
}`;

function article(city: string): { text: string; url: string } {
  return {
    url: `https://news.example/${city.toLowerCase()}`,
    text: `Ministers meet in ${city}\n\n${city.toUpperCase()}, March 8 (Reuters) - The foreign ministers of Norway and Germany met in ${city} on Tuesday.`,
  };
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

/** A graphql-ws client; `closed` resolves with the close code when the server closes the socket. */
function wsClient(httpUrl: string, connectionParams?: Record<string, unknown>): { client: Client; closed: Promise<number>; connected: Promise<void> } {
  let onClosed: (code: number) => void = () => {};
  let onConnected: () => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed((event as { code: number }).code), connected: () => onConnected() },
  });
  return { client, closed, connected };
}

async function wsRequest(client: Client, query: string, variables: Record<string, unknown>): Promise<any> {
  const iterator = client.iterate({ query, variables });
  const { value } = await iterator.next();
  await iterator.return?.();
  return value;
}

describe.each(storeFactories)("ingest auth on $kind", (factory) => {
  let store: TestStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = await factory.open();
    server = await startServer(store, { port: 0, maxArticleBytes: 100_000, ingestToken: TOKEN });
  });

  afterAll(async () => {
    await server?.close();
    await store?.destroy();
  });

  const count = async () => Number((await store.rows<{ n: number }>("select count(*)::int as n from articles"))[0].n);

  it("refuses ingests over HTTP without the bearer token with a typed UNAUTHORIZED error, and stores nothing", async () => {
    const before = await count();
    for (const headers of <Record<string, string>[]>[{}, { authorization: "Bearer wrong" }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const result = await post(server.url, INGEST, { input: article("Oslo") }, headers);
      expect(result.errors).toBeUndefined();
      expect(result.data.ingestArticle).toEqual({ __typename: "IngestError", code: "UNAUTHORIZED", message: "Ingest needs `Authorization: Bearer <INGEST_TOKEN>`." });
    }
    expect(await count()).toBe(before);
    const accepted = await post(server.url, INGEST, { input: article("Oslo") }, { authorization: `Bearer ${TOKEN}` });
    expect(accepted.data.ingestArticle).toEqual({ __typename: "IngestArticlePayload", duplicate: false, article: { title: "Ministers meet in Oslo" } });
    expect(await count()).toBe(before + 1);
  });

  it("keeps reads public", async () => {
    const result = await post(server.url, `{ articles { totalCount edges { node { title } } } }`, {});
    expect(result.errors).toBeUndefined();
    expect(result.data.articles.totalCount).toBe(await count());
  });

  it("over WebSocket: no token gives a read-only connection, the right token may ingest, a wrong one is refused", async () => {
    const readOnly = wsClient(server.url);
    const reads = await wsRequest(readOnly.client, `{ articles { totalCount } }`, {});
    expect(reads.data.articles.totalCount).toBe(await count());
    const refused = await wsRequest(readOnly.client, INGEST, { input: article("Bergen") });
    expect(refused.data.ingestArticle).toMatchObject({ __typename: "IngestError", code: "UNAUTHORIZED" });
    await readOnly.client.dispose();

    const before = await count();
    for (const [city, params] of [
      ["Bergen", { authorization: `Bearer ${TOKEN}` }],
      ["Tromso", { token: TOKEN }],
    ] as const) {
      const writer = wsClient(server.url, params);
      const result = await wsRequest(writer.client, INGEST, { input: article(city) });
      expect(result.data.ingestArticle).toMatchObject({ __typename: "IngestArticlePayload", duplicate: false });
      await writer.client.dispose();
    }
    expect(await count()).toBe(before + 2);

    for (const params of [{ authorization: "Bearer wrong" }, { token: "wrong" }]) {
      const intruder = wsClient(server.url, params);
      expect(await intruder.closed).toBe(4403);
      await intruder.client.dispose();
    }
  });

  it("the CLI's ingest --server sends INGEST_TOKEN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newsgraph-auth-"));
    const file = join(dir, "stavanger.txt");
    writeFileSync(file, article("Stavanger").text);
    const before = await count();
    const without = await runCli(["ingest", "--server", server.url, file], { INGEST_TOKEN: "" });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain("UNAUTHORIZED");
    expect(await count()).toBe(before);
    const withToken = await runCli(["ingest", "--server", server.url, file], { INGEST_TOKEN: TOKEN });
    expect(withToken.stderr).toContain("stavanger.txt: stored");
    expect(withToken.code).toBe(0);
    expect(await count()).toBe(before + 1);
  });
});

describe("ingest without INGEST_TOKEN", () => {
  it("stays open (the development default), over HTTP and WebSocket, with or without a token", async () => {
    const store = await storeFactories[0].open();
    const server = await startServer(store, { port: 0, maxArticleBytes: 100_000 });
    try {
      const http = await post(server.url, INGEST, { input: article("Oslo") });
      expect(http.data.ingestArticle).toMatchObject({ __typename: "IngestArticlePayload", duplicate: false });
      const ws = wsClient(server.url, { token: "anything" });
      const viaWs = await wsRequest(ws.client, INGEST, { input: article("Bergen") });
      expect(viaWs.data.ingestArticle).toMatchObject({ __typename: "IngestArticlePayload", duplicate: false });
      await ws.client.dispose();
      expect(Number((await store.rows<{ n: number }>("select count(*)::int as n from articles"))[0].n)).toBe(2);
    } finally {
      await server.close();
      await store.destroy();
    }
  });
});
