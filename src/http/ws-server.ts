import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCode, type ConnectionInitMessage, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";

/**
 * graphql-ws over `ws`, as graphql-ws/use/ws's useServer (same keep-alive, close codes and
 * errors), with a sender built for fan-out to many sockets:
 *
 * - Writes are batched: the first message to a socket in an event-loop turn corks the socket, and
 *   one setImmediate uncorks all of them, so the messages a turn produces for a socket leave in
 *   one system call instead of one each.
 * - A send resolves once the message is queued while the socket's buffer is below
 *   HIGH_WATER_BYTES, so an operation goes on to its next result without waiting for the write;
 *   above it, the send waits until that message is written (backpressure: a slow client makes its
 *   own operations wait, and its buffer stays bounded, instead of growing without limit).
 */
export const HIGH_WATER_BYTES = 256 * 1024;

const corked = new Set<Duplex>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  for (const raw of corked) raw.uncork();
  corked.clear();
}

function cork(raw: Duplex): void {
  if (corked.has(raw)) return;
  raw.cork();
  corked.add(raw);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

function batchedSend(socket: WebSocket, raw: Duplex, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== socket.OPEN) return resolve();
    cork(raw);
    const waiting = socket.bufferedAmount >= HIGH_WATER_BYTES;
    socket.send(data, (error) => {
      if (!waiting) return;
      if (error) reject(error);
      else resolve();
    });
    if (!waiting) resolve();
  });
}

function closeReason(error: unknown, isProd: boolean, fallback: string): string {
  if (isProd) return fallback;
  const reason = error instanceof Error ? error.message : String(error);
  // A close reason is at most 123 bytes.
  return Buffer.byteLength(reason) > 123 ? fallback : reason;
}

export function useServer<
  P extends ConnectionInitMessage["payload"] = ConnectionInitMessage["payload"],
  E extends Record<PropertyKey, unknown> = Record<PropertyKey, never>,
>(
  options: ServerOptions<P, Extra & Partial<E>> & { isProd?: boolean },
  ws: WebSocketServer,
  keepAlive = 12_000,
): { dispose: () => Promise<void> } {
  const isProd = typeof options.isProd === "boolean" ? options.isProd : process.env.NODE_ENV === "production";
  const server = makeServer(options);
  ws.options.handleProtocols = handleProtocols;
  ws.once("error", (err) => {
    console.error("Internal error emitted on the WebSocket server. Please check your implementation.", err);
    let firstErr: unknown = null;
    for (const client of ws.clients) {
      try {
        client.close(CloseCode.InternalServerError, closeReason(err, isProd, "Internal server error"));
      } catch (err2) {
        firstErr = firstErr ?? err2;
      }
    }
    if (firstErr) throw firstErr;
  });
  ws.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    // The upgraded connection: ws writes its frames to this very socket.
    const raw = request.socket;
    socket.once("error", (err) => {
      console.error("Internal error emitted on a WebSocket socket. Please check your implementation.", err);
      socket.close(CloseCode.InternalServerError, closeReason(err, isProd, "Internal server error"));
    });
    let pongWait: NodeJS.Timeout | null = null;
    const pingInterval =
      keepAlive > 0 && Number.isFinite(keepAlive)
        ? setInterval(() => {
            if (socket.readyState !== socket.OPEN) return;
            pongWait = setTimeout(() => socket.terminate(), keepAlive);
            socket.once("pong", () => {
              if (pongWait) {
                clearTimeout(pongWait);
                pongWait = null;
              }
            });
            socket.ping();
          }, keepAlive)
        : null;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => batchedSend(socket, raw, data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on("message", async (event) => {
            try {
              await cb(String(event));
            } catch (err) {
              console.error("Internal error occurred during message handling. Please check your implementation.", err);
              socket.close(CloseCode.InternalServerError, closeReason(err, isProd, "Internal server error"));
            }
          }),
      },
      { socket, request } as Extra & Partial<E>,
    );
    socket.once("close", (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      if (pingInterval) clearInterval(pingInterval);
      if (!isProd && code === CloseCode.SubprotocolNotAcceptable && socket.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL) {
        console.warn("Client provided the unsupported and deprecated subprotocol used by subscriptions-transport-ws.");
      }
      void closed(code, String(reason));
    });
  });
  return {
    dispose: async () => {
      for (const client of ws.clients) client.close(1001, "Going away");
      ws.removeAllListeners();
      await new Promise<void>((resolve, reject) => ws.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
