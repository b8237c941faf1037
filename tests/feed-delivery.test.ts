import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPubSub, createSchema, createYoga, map, pipe } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { fanoutStats, sharedSubscriptionExecution } from "../src/feed/fanout.js";
import { operationArgs, useServer } from "../src/http/ws-server.js";
import { until } from "./helpers/server.js";

// Delivery of shared subscription results (src/feed/fanout.ts serialises a shared result once;
// src/http/ws-server.ts writes `next` messages itself): every subscriber still gets its own
// operation id, the same payload, errors as errors, and nothing after it completes.

interface Tick {
  n: number;
  /** The stream fails at this tick. */
  fail?: boolean;
  text?: string;
}

const pubSub = createPubSub<{ tick: [Tick] }>();
const schema = createSchema({
  typeDefs: `
    type Query { ok: Boolean }
    type Tick { n: Int! label: String text: String }
    type Subscription { ticks: Tick }
  `,
  resolvers: {
    Tick: {
      label: (tick: Tick) => {
        if (tick.n % 2 === 1) throw new Error(`no label for odd tick ${tick.n}`);
        return `tick ${tick.n}`;
      },
    },
    Subscription: {
      ticks: {
        // Every subscriber receives the very same payload object, as from the feed hub.
        subscribe: () =>
          pipe(
            pubSub.subscribe("tick"),
            map((tick: Tick) => {
              if (tick.fail) throw new Error("the stream failed");
              return tick;
            }),
          ),
        resolve: (tick: Tick) => tick,
      },
    },
  },
});

const TICKS = "subscription { ticks { n label } }";
const TICKS_WITH_TEXT = "subscription { ticks { n text } }";

let http: Server;
let wsServer: WebSocketServer;
let dispose: () => Promise<void>;
let url: string;

beforeAll(async () => {
  const yoga = createYoga({ schema, plugins: [sharedSubscriptionExecution()], maskedErrors: true, logging: false });
  http = createServer(yoga);
  wsServer = new WebSocketServer({ server: http, path: "/graphql" });
  ({ dispose } = useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => never }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => never }).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        return operationArgs(enveloped, params);
      },
    },
    wsServer,
  ));
  await new Promise<void>((resolve) => http.listen(0, resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await dispose();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

/** A graphql-transport-ws client that keeps every message text it receives. */
async function rawWsSubscriber(id: string, query = TICKS) {
  const socket = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws");
  const messages: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
    socket.once("message", () => {
      socket.on("message", (data) => messages.push(String(data)));
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
      resolve();
    });
  });
  return {
    messages,
    parsed: () => messages.map((m) => JSON.parse(m) as { id?: string; type: string; payload?: unknown }),
    complete: () => socket.send(JSON.stringify({ id, type: "complete" })),
    close: () => socket.close(),
  };
}

/** A GraphQL-over-SSE subscriber keeping the data of each `next` event. */
function sseSubscriber() {
  const controller = new AbortController();
  const events: string[] = [];
  const ended = (async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: TICKS }),
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith("event: next\ndata: ")) events.push(event.slice("event: next\ndata: ".length));
      }
    }
  })().catch(() => {});
  return { events, close: () => (controller.abort(), ended) };
}

describe("delivery of shared subscription results", () => {
  it("gives each subscriber its own operation id and the same payload, errors as errors, and stops at complete", async () => {
    const a = await rawWsSubscriber("a");
    const b = await rawWsSubscriber("operation-b");
    const sse = sseSubscriber();
    // Subscribed once the pubsub has all three listeners: a tick published before would be lost.
    await new Promise((r) => setTimeout(r, 300));

    const executions = fanoutStats.executions;
    pubSub.publish("tick", { n: 2 });
    await until(() => a.messages.length === 1 && b.messages.length === 1 && sse.events.length === 1, "tick 2 everywhere");
    // One execution for the three subscribers; the same payload text in every message.
    expect(fanoutStats.executions - executions).toBe(1);
    const payloadText = (message: string) => message.slice(message.indexOf('"payload":') + '"payload":'.length, -1);
    expect(a.parsed()[0]).toEqual({ id: "a", type: "next", payload: { data: { ticks: { n: 2, label: "tick 2" } } } });
    expect(b.parsed()[0]).toEqual({ id: "operation-b", type: "next", payload: { data: { ticks: { n: 2, label: "tick 2" } } } });
    expect(payloadText(b.messages[0])).toBe(payloadText(a.messages[0]));
    expect(sse.events[0]).toBe(payloadText(a.messages[0]));

    // A field error is a `next` whose payload has partial data and the masked error, on both
    // transports, as graphql-ws and yoga format it (yoga's SSE drops the `unexpected` flag).
    pubSub.publish("tick", { n: 3 });
    await until(() => a.messages.length === 2 && b.messages.length === 2 && sse.events.length === 2, "tick 3 everywhere");
    const error = { message: "Unexpected error.", locations: [{ line: 1, column: 26 }], path: ["ticks", "label"] };
    const withError = {
      data: { ticks: { n: 3, label: null } },
      errors: [{ ...error, extensions: { code: "INTERNAL_SERVER_ERROR", unexpected: true } }],
    };
    expect(a.parsed()[1]).toEqual({ id: "a", type: "next", payload: withError });
    expect(b.parsed()[1]).toEqual({ id: "operation-b", type: "next", payload: withError });
    expect(JSON.parse(sse.events[1])).toEqual({ ...withError, errors: [{ ...error, extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(a.messages[1] + b.messages[1] + sse.events[1]).not.toContain("odd tick");

    // After its `complete`, an operation gets nothing more; the others go on.
    b.complete();
    await new Promise((r) => setTimeout(r, 100));
    pubSub.publish("tick", { n: 4 });
    await until(() => a.messages.length === 3 && sse.events.length === 3, "tick 4");
    await new Promise((r) => setTimeout(r, 100));
    expect(b.messages).toHaveLength(2);

    // A failing stream ends the operation with an `error` message (masked), and nothing after it.
    pubSub.publish("tick", { n: 5, fail: true });
    await until(() => a.messages.length === 4, "the stream's error");
    expect(a.parsed()[3]).toEqual({
      id: "a",
      type: "error",
      payload: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", unexpected: true } }],
    });
    pubSub.publish("tick", { n: 6 });
    await new Promise((r) => setTimeout(r, 100));
    expect(a.messages).toHaveLength(4);

    a.close();
    b.close();
    await sse.close();
  });

  it("frames messages of every WebSocket length class, counting UTF-8 bytes, one after another", async () => {
    const a = await rawWsSubscriber("a", TICKS_WITH_TEXT);
    const b = await rawWsSubscriber("9f1c2a7e-4b55-4c1e-9a39-0d7f3c2b8e61", TICKS_WITH_TEXT);
    await new Promise((r) => setTimeout(r, 300));

    // Payload lengths with a 7-bit, a 16-bit and a 64-bit length field (RFC 6455 5.2); the last
    // has fewer than 65,536 characters but more bytes, and the characters outside the BMP are
    // surrogate pairs in JavaScript, four bytes in UTF-8.
    const texts = ["", "é".repeat(100), "ü".repeat(40_000), "𝄞".repeat(20_000) + "x", "short again"];
    texts.forEach((text, i) => pubSub.publish("tick", { n: 2 * i, text }));
    await until(() => a.messages.length === texts.length && b.messages.length === texts.length, "every text");
    for (const [subscriber, id] of [
      [a, "a"],
      [b, "9f1c2a7e-4b55-4c1e-9a39-0d7f3c2b8e61"],
    ] as const) {
      expect(subscriber.parsed()).toEqual(texts.map((text, i) => ({ id, type: "next", payload: { data: { ticks: { n: 2 * i, text } } } })));
    }
    a.close();
    b.close();
  });
});
