// Subscriber load: a child process holding WS_COUNT graphql-ws (graphql-transport-ws) and
// SSE_COUNT GraphQL-over-SSE subscriptions to URL, recording when each feed entry arrives.
// IPC: sends {cmd:"ready", ws, sse, failed} once subscribed; on {cmd:"report"} replies with the
// arrivals [seq, epoch ms] per subscriber kind, then closes everything.
import { request as httpRequest } from "node:http";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";

const url = process.env.URL!;
const wsCount = Number(process.env.WS_COUNT ?? 0);
const sseCount = Number(process.env.SSE_COUNT ?? 0);
const query = process.env.SUB_QUERY ?? "subscription { eventAdded { cursor node { id title } } }";
const arrivals: { ws: number[]; sse: number[] } = { ws: [], sse: [] };
const sockets: WebSocket[] = [];
const streams: { destroy(): void }[] = [];
let failed = 0;

// Deliveries are parsed as little as the check needs, so that these processes take as little CPU
// as possible from the server they share the machine with: the arrival time first, then the feed
// sequence number from the cursor, found by byte search without decoding the whole message.
const CURSOR = '"cursor":"';
const CURSOR_BYTES = Buffer.from(CURSOR);
const NEXT_BYTES = Buffer.from('"type":"next"');
const QUOTE = 0x22;

/** The sequence number a feed cursor (base64url of `feed:<seq>`) encodes; NaN if it is not one. */
function seqOfCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, "base64url").toString("latin1");
  return decoded.startsWith("feed:") ? Number(decoded.slice(5)) : NaN;
}

function seqOfMessage(message: Buffer): number {
  const at = message.indexOf(CURSOR_BYTES);
  if (at < 0) return NaN;
  const start = at + CURSOR_BYTES.length;
  return seqOfCursor(message.toString("latin1", start, message.indexOf(QUOTE, start)));
}

function seqOfEvent(event: string): number {
  const at = event.indexOf(CURSOR);
  if (at < 0) return NaN;
  const start = at + CURSOR.length;
  return seqOfCursor(event.slice(start, event.indexOf('"', start)));
}

function openWs(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws", { perMessageDeflate: false, skipUTF8Validation: true });
    sockets.push(ws);
    const timer = setTimeout(() => (failed++, resolve()), 30_000);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
    // The first message is the connection_ack; then `next` messages, one per delivery.
    ws.once("message", () => {
      // A random id per operation, as graphql-ws clients make them: no two subscribers share a message.
      ws.send(JSON.stringify({ id: randomUUID(), type: "subscribe", payload: { query } }));
      clearTimeout(timer);
      resolve();
      ws.on("message", (message: Buffer) => {
        const now = Date.now();
        if (message.indexOf(NEXT_BYTES) >= 0) arrivals.ws.push(seqOfMessage(message), now);
      });
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
          if (message.startsWith("event: next")) arrivals.sse.push(seqOfEvent(message), now);
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
