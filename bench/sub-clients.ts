// Subscriber load: a child process holding WS_COUNT graphql-ws (graphql-transport-ws) and
// SSE_COUNT GraphQL-over-SSE subscriptions to URL, recording when each feed entry arrives.
// IPC: sends {cmd:"ready", ws, sse, failed} once subscribed; on {cmd:"report"} replies with the
// arrivals [seq, epoch ms] per subscriber kind, then closes everything.
import { request as httpRequest } from "node:http";
import WebSocket from "ws";

const url = process.env.URL!;
const wsCount = Number(process.env.WS_COUNT ?? 0);
const sseCount = Number(process.env.SSE_COUNT ?? 0);
const query = process.env.SUB_QUERY ?? "subscription { eventAdded { cursor node { id title } } }";
const arrivals: { ws: number[]; sse: number[] } = { ws: [], sse: [] };
const sockets: WebSocket[] = [];
const streams: { destroy(): void }[] = [];
let failed = 0;

function seqOf(payload: string): number {
  const cursor = /"cursor":"([^"]+)"/.exec(payload)?.[1];
  return cursor ? Number(/^feed:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString())?.[1]) : NaN;
}

function openWs(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws");
    sockets.push(ws);
    const timer = setTimeout(() => (failed++, resolve()), 30_000);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
    ws.on("message", (raw) => {
      const text = raw.toString();
      const now = Date.now();
      if (text.includes('"connection_ack"')) {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query } }));
        clearTimeout(timer);
        resolve();
      } else if (text.includes('"next"')) {
        arrivals.ws.push(seqOf(text), now);
      }
    });
    ws.on("error", () => {
      clearTimeout(timer);
      failed++;
      resolve();
    });
  });
}

function openSse(): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query });
    const req = httpRequest(url, { method: "POST", agent: false, headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": Buffer.byteLength(body) } }, (res) => {
      if (res.statusCode !== 200) {
        failed++;
        res.resume();
        return resolve();
      }
      resolve();
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.startsWith("event: next")) arrivals.sse.push(seqOf(message), now);
        }
      });
    });
    streams.push(req);
    req.on("error", () => (failed++, resolve()));
    req.end(body);
  });
}

// Open in waves, so that the server's accept queue is not flooded.
for (let i = 0; i < wsCount; i += 250) await Promise.all(Array.from({ length: Math.min(250, wsCount - i) }, openWs));
for (let i = 0; i < sseCount; i += 100) await Promise.all(Array.from({ length: Math.min(100, sseCount - i) }, openSse));
process.send!({ cmd: "ready", ws: wsCount, sse: sseCount, failed });

process.on("message", (m: { cmd: string }) => {
  if (m.cmd !== "report") return;
  process.send!({ cmd: "report", arrivals, failed }, () => {
    for (const ws of sockets) ws.terminate();
    for (const s of streams) s.destroy();
    setTimeout(() => process.exit(0), 200);
  });
});
