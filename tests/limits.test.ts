import { request as httpRequest } from "node:http";
import { getIntrospectionQuery } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv, DEFAULT_LIMITS } from "../src/config.js";
import { storeArticle } from "../src/ingest/pipeline.js";
import { startServer, type RunningServer } from "../src/server.js";
import { meetingReport, protestReport } from "./helpers/fixtures.js";
import { graphql } from "./helpers/graphql.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestError { code message } ... on IngestArticlePayload { duplicate } }
}`;

/** `selection` nested inside `levels` event → mentions → article → events … hops. */
function deepQuery(levels: number): string {
  let inner = "title";
  for (let i = 0; i < levels; i++) inner = i % 2 === 0 ? `mentions { edges { node { article { events { edges { node { ${inner} } } } } } } }` : inner;
  return `{ events { edges { node { ${inner} } } } }`;
}

/** Depth of a document as graphql-armor counts it (fields, not fragments). */
function depthOf(query: string): number {
  let depth = 0;
  let max = 0;
  for (const c of query) {
    if (c === "{") max = Math.max(max, ++depth);
    if (c === "}") depth--;
  }
  return max - 1;
}

describe.each(storeFactories)("request limits on $kind", (factory) => {
  let store: TestStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = await factory.open();
    server = await startServer(store, { port: 0, maxArticleBytes: 20_000 });
    await storeArticle(store.db, { url: "https://news.example/berg-weber", source: "Example News" }, meetingReport());
    await storeArticle(store.db, { url: null, source: "Harbour Times" }, protestReport());
  });

  afterAll(async () => {
    await server?.close();
    await store?.destroy();
  });

  const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => (result.errors ?? []).map((e) => e.extensions?.code);

  it("refuses queries deeper than the depth limit (12) and serves those within it", async () => {
    const shallow = deepQuery(1);
    const deep = deepQuery(3);
    expect(depthOf(shallow)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    expect(depthOf(deep)).toBeGreaterThan(DEFAULT_LIMITS.maxDepth);
    const ok = await graphql(server.url, shallow);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.events.edges.length).toBe(2);
    const refused = await graphql(server.url, deep);
    expect(refused.data).toBeUndefined();
    expect(codes(refused)).toEqual(["DEPTH_LIMIT_EXCEEDED"]);
    expect(refused.errors![0].message).toMatch(/^Query depth limit of 12 exceeded, found \d+\.$/);
  });

  it("estimates cost as nodes × page sizes and refuses operations over the cost limit", async () => {
    // 100 articles × (1 + 99 events) = 10,000: at the limit, served.
    const atLimit = await graphql(server.url, `{ articles(first: 100) { edges { node { events(first: 99) { edges { node { title } } } } } } }`);
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data.articles.edges.length).toBe(2);
    // 100 × (1 + 100) = 10,100.
    const over = await graphql(server.url, `{ articles(first: 100) { edges { node { events(first: 100) { edges { node { title } } } } } } }`);
    expect(over.data).toBeUndefined();
    expect(codes(over)).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(over.errors![0].extensions).toMatchObject({ limit: 10_000, cost: 10_100 });
    // Page sizes in variables count too, and a connection without `first` counts as 20.
    const viaVariables = await graphql(
      server.url,
      `query ($n: Int) { articles(first: $n) { edges { node { events { edges { node { mentions { edges { node { evidence } } } } } } } } } }`,
      { n: 100 },
    );
    expect(codes(viaVariables)).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(viaVariables.errors![0].extensions!.cost).toBe(100 * (1 + 20 * (1 + 20)));
  });

  it("refuses pages larger than 100 with a clear error instead of clamping them", async () => {
    const ok = await graphql(server.url, `{ articles(first: 100) { edges { node { title } } } }`);
    expect(ok.data.articles.edges.length).toBe(2);
    for (const [query, variables] of [
      [`{ articles(first: 101) { totalCount } }`, undefined],
      [`query ($n: Int) { events(last: $n) { totalCount } }`, { n: 500 }],
      [`{ articles(first: 1) { edges { node { quotes(first: 1000) { totalCount } } } } }`, undefined],
    ] as const) {
      const refused = await graphql(server.url, query, variables);
      expect(refused.data).toBeUndefined();
      expect(codes(refused)).toEqual(["PAGE_SIZE_EXCEEDED"]);
      expect(refused.errors![0].message).toMatch(/asks for more than the page size limit of 100\.$/);
    }
  });

  it("refuses more than 15 aliases", async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: articles(first: 1) { totalCount }`).join(" ")} }`;
    const ok = await graphql(server.url, aliased(15));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.a14.totalCount).toBe(2);
    const refused = await graphql(server.url, aliased(16));
    expect(codes(refused)).toEqual(["ALIAS_LIMIT_EXCEEDED"]);
    expect(refused.errors![0].message).toBe("Aliases limit of 15 exceeded, found 16.");
  });

  it("refuses documents of more than 2000 tokens, and keeps introspection (GraphiQL) working", async () => {
    const refused = await graphql(server.url, `{ ${"__typename ".repeat(2_000)} }`);
    expect(refused.data).toBeUndefined();
    expect(codes(refused)).toEqual(["TOKEN_LIMIT_EXCEEDED"]);
    expect(refused.errors![0].message).toBe("Token limit of 2000 exceeded.");
    const introspection = await graphql(server.url, getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data.__schema.queryType.name).toBe("Query");
  });

  it("applies the same limits over WebSocket, as errors of the operation, keeping the connection", async () => {
    const client = createClient({ url: server.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
    const run = async (query: string) => {
      const iterator = client.iterate({ query });
      try {
        return (await iterator.next()).value as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      } catch (errors) {
        return { errors: errors as { message: string; extensions?: Record<string, unknown> }[] };
      } finally {
        await iterator.return?.();
      }
    };
    try {
      expect(codes(await run(deepQuery(3)))).toEqual(["DEPTH_LIMIT_EXCEEDED"]);
      expect(codes(await run(`{ ${"__typename ".repeat(2_000)} }`))).toEqual(["TOKEN_LIMIT_EXCEEDED"]);
      expect(codes(await run(`{ articles(first: 101) { totalCount } }`))).toEqual(["PAGE_SIZE_EXCEEDED"]);
      expect(codes(await run(`subscription { eventAdded { node { mentions(first: 1000) { totalCount } } } }`))).toEqual(["PAGE_SIZE_EXCEEDED"]);
      const ok = await run(`{ articles { totalCount } }`);
      expect(ok.data.articles.totalCount).toBe(2);
    } finally {
      await client.dispose();
    }
  });

  it("answers 413 to request bodies over 2 MB, and TOO_LARGE to articles over MAX_ARTICLE_BYTES", async () => {
    const huge = JSON.stringify({ query: INGEST, variables: { input: { text: "x".repeat(DEFAULT_LIMITS.maxBodyBytes) } } });
    const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: huge });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe("BODY_TOO_LARGE");
    expect(body.errors[0].message).toBe(`The request body is ${Buffer.byteLength(huge)} bytes; the limit is 2097152 bytes (MAX_BODY_BYTES).`);
    // Under the body limit but over this server's 20,000-byte article limit: a typed ingest error.
    const large = await graphql(server.url, INGEST, { input: { text: `Headline\n\n${"word ".repeat(5_000)}` } });
    expect(large.data.ingestArticle).toMatchObject({ __typename: "IngestError", code: "TOO_LARGE" });
    const stored = await store.rows<{ n: number }>("select count(*)::int as n from articles");
    expect(Number(stored[0].n)).toBe(2);
  });

  it("answers 411 to chunked request bodies, which it cannot measure up front", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on("error", reject);
      req.write(JSON.stringify({ query: "{ __typename }" }));
      req.end();
    });
    expect(status).toBe(411);
    expect(JSON.parse(body).errors[0].extensions.code).toBe("LENGTH_REQUIRED");
  });
});

describe("limit configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("reads limits from the environment with documented defaults", () => {
    for (const name of ["MAX_DEPTH", "MAX_COST", "MAX_ALIASES", "MAX_TOKENS", "MAX_PAGE_SIZE", "MAX_BODY_BYTES", "INGEST_TOKEN"]) delete process.env[name];
    expect(configFromEnv()).toMatchObject({ maxDepth: 12, maxCost: 10_000, maxAliases: 15, maxTokens: 2_000, maxPageSize: 100, maxBodyBytes: 2_097_152, ingestToken: undefined });
    Object.assign(process.env, { MAX_DEPTH: "5", MAX_COST: "50", MAX_PAGE_SIZE: "10", MAX_BODY_BYTES: "1000", INGEST_TOKEN: "t" });
    expect(configFromEnv()).toMatchObject({ maxDepth: 5, maxCost: 50, maxPageSize: 10, maxBodyBytes: 1000, ingestToken: "t" });
    process.env.MAX_PAGE_SIZE = "101";
    expect(() => configFromEnv()).toThrow("MAX_PAGE_SIZE must be at most 100, not 101");
    process.env.MAX_PAGE_SIZE = "ten";
    expect(() => configFromEnv()).toThrow('MAX_PAGE_SIZE must be a non-negative integer, not "ten"');
  });

  it("applies configured limits to a server", async () => {
    const factory = storeFactories[0];
    const store = await factory.open();
    const server = await startServer(store, { port: 0, maxArticleBytes: 1000, maxPageSize: 3, maxDepth: 3, maxBodyBytes: 300 });
    try {
      expect((await graphql(server.url, `{ articles(first: 3) { totalCount } }`)).errors).toBeUndefined();
      const page = await graphql(server.url, `{ articles(first: 4) { totalCount } }`);
      expect(page.errors![0].extensions!.code).toBe("PAGE_SIZE_EXCEEDED");
      const deep = await graphql(server.url, `{ articles { edges { node { events { totalCount } } } } }`);
      expect(deep.errors![0].extensions!.code).toBe("DEPTH_LIMIT_EXCEEDED");
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ ${"__typename ".repeat(40)} }` }) });
      expect(response.status).toBe(413);
    } finally {
      await server.close();
      await store.destroy();
    }
  });
});
