import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeArticle } from "../src/ingest/pipeline.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server.js";
import { meetingReport } from "./helpers/fixtures.js";
import { graphql } from "./helpers/graphql.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

type LogLine = Record<string, any>;

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger("debug", { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const endpoint = (server: RunningServer, path: string) => server.url.replace(/\/graphql$/, path);

async function until(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(storeFactories)("health, readiness and logs on $kind", (factory) => {
  let store: TestStore;
  let server: RunningServer;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    store = await factory.open();
    server = await startServer(store, { port: 0, maxArticleBytes: 100_000, logger, slowQueryMs: 0 });
    await storeArticle(store.db, { url: "https://news.example/berg-weber", source: "Example News" }, meetingReport());
  });

  afterAll(async () => {
    await server?.close();
    await store?.destroy();
  });

  it("answers /healthz and /readyz with 200 and JSON", async () => {
    const health = await fetch(endpoint(server, "/healthz"));
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(endpoint(server, "/readyz"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "ok", latencyMs: expect.any(Number) });
  });

  it("returns a request id, keeps a sane given one, and logs one line per request with operation, status and duration", async () => {
    const query = JSON.stringify({ query: "query Articles { articles { totalCount } }" });
    const generated = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    const id = generated.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const given = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "client-42" }, body: query });
    expect(given.headers.get("x-request-id")).toBe("client-42");
    const odd = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "a b\tc" }, body: query });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => lines.some((l) => l.reqId === "client-42" && l.msg === "request"), "the request log line");
    const line = lines.find((l) => l.reqId === id && l.msg === "request")!;
    expect(line).toMatchObject({ level: 30, method: "POST", path: "/graphql", status: 200, operationName: "Articles", operationType: "query", durationMs: expect.any(Number) });
  });

  it("logs operations slower than SLOW_QUERY_MS as warnings with their SQL statements", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "slow-1" },
      body: JSON.stringify({ query: "query Slow { events { edges { node { title participants { name } } } } }" }),
    });
    expect(response.status).toBe(200);
    await until(() => lines.some((l) => l.reqId === "slow-1" && l.msg === "slow operation"), "the slow operation line");
    const slow = lines.find((l) => l.reqId === "slow-1" && l.msg === "slow operation")!;
    expect(slow.level).toBe(40);
    expect(slow.operationName).toBe("Slow");
    expect(slow.statementCount).toBeGreaterThan(0);
    expect(slow.statements.join("\n")).toMatch(/select .*"events"/is);
  });
});

describe.each(storeFactories)("readiness and error masking with an unreachable database on $kind", (factory) => {
  let store: TestStore;
  let production: RunningServer;
  let development: RunningServer;
  const previousEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    store = await factory.open();
    process.env.NODE_ENV = "production";
    try {
      production = await startServer(store, { port: 0, maxArticleBytes: 100_000, readyTimeoutMs: 3_000 });
    } finally {
      process.env.NODE_ENV = previousEnv;
    }
    development = await startServer(store, { port: 0, maxArticleBytes: 100_000, readyTimeoutMs: 3_000 });
    expect((await fetch(endpoint(production, "/readyz"))).status).toBe(200);
    // Break the database under the running servers.
    if (store.databaseUrl) {
      const name = new URL(store.databaseUrl).pathname.slice(1);
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.end();
    } else {
      await store.close();
    }
  });

  afterAll(async () => {
    await production?.close();
    await development?.close();
    await store?.destroy().catch(() => {});
  });

  it("answers /readyz with 503 and a JSON reason while /healthz stays 200", async () => {
    const ready = await fetch(endpoint(development, "/readyz"));
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; database: string; reason?: string };
    expect(body).toMatchObject({ status: "unavailable", database: "unreachable" });
    expect(body.reason).toEqual(expect.any(String));
    const productionReady = await fetch(endpoint(production, "/readyz"));
    expect(productionReady.status).toBe(503);
    expect(await productionReady.json()).toEqual({ status: "unavailable", database: "unreachable" });
    expect((await fetch(endpoint(development, "/healthz"))).status).toBe(200);
  });

  it("masks unexpected errors in production and shows them in development", async () => {
    const masked = await graphql(production.url, `{ articles { totalCount } }`);
    expect(masked.errors).toHaveLength(1);
    expect(masked.errors![0].message).toBe("Unexpected error.");
    expect(JSON.stringify(masked.errors)).not.toMatch(/stack|originalError|Failed query|select/i);
    // Outside production the message is masked too, but the cause comes along for debugging.
    const shown = await graphql(development.url, `{ articles { totalCount } }`);
    expect(shown.errors![0].message).toBe("Unexpected error.");
    const cause = shown.errors![0].extensions!.originalError as { message: string; stack: string };
    expect(cause.message).toMatch(/^Failed query: select count/);
    expect(cause.stack).toEqual(expect.any(String));
  });
});
