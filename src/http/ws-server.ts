import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLSchema } from "graphql";
import {
  CloseCode,
  type ConnectionInitMessage,
  DEPRECATED_GRAPHQL_WS_PROTOCOL,
  handleProtocols,
  makeServer,
  type OperationResult,
  type ServerOptions,
  type SubscribePayload,
  type WebSocket as GraphQLWsSocket,
} from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import { entryReadinessOf, type SerialisableResult } from "../feed/fanout.js";
import type { EntryReadiness } from "../feed/hub.js";

/**
 * graphql-ws over `ws`, as graphql-ws/use/ws's useServer (same keep-alive, close codes and
 * errors), with a sender built for fan-out to many sockets:
 *
 * - Writes are batched: the first message to a socket in an event-loop turn corks the socket, and
 *   one setImmediate uncorks all of them, so the messages a turn produces for a socket leave in
 *   one system call instead of one each.
 * - A message is queued without waiting while the socket's buffer is below HIGH_WATER_BYTES, so an
 *   operation goes on to its next result at once; above it, the operation waits until that message
 *   is written (backpressure: a slow client makes its own operations wait, and its buffer stays
 *   bounded, instead of growing without limit).
 * - A subscription's results are written by this adapter as they come (see DirectDelivery),
 *   serialised by the result's own `stringify` when it has one and framed here, so that a result
 *   shared by many subscribers is serialised and encoded once, and each delivery is one copy.
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

/** Queues a message; returns a promise to wait for only when the socket's buffer is above the high-water mark. */
function write(socket: WebSocket, raw: Duplex, data: string): Promise<void> | undefined {
  if (socket.readyState !== socket.OPEN) return undefined;
  cork(raw);
  if (socket.bufferedAmount < HIGH_WATER_BYTES) {
    socket.send(data);
    return undefined;
  }
  return new Promise((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
}

/**
 * Queues a complete WebSocket frame on the connection's own socket, as write() does a message. ws
 * writes each of its frames whole and at once, and with no extension negotiated (useServer refuses
 * permessage-deflate) keeps nothing back, so a frame written here lands between two of its frames.
 */
function writeFrame(socket: WebSocket, raw: Duplex, frame: Buffer): Promise<void> | undefined {
  if (socket.readyState !== socket.OPEN) return undefined;
  cork(raw);
  if (raw.writableLength < HIGH_WATER_BYTES) {
    raw.write(frame);
    return undefined;
  }
  return new Promise((resolve, reject) => raw.write(frame, (error) => (error ? reject(error) : resolve())));
}

/** The UTF-8 JSON of each result that knows its JSON text (a shared feed result), encoded once for all its subscribers. */
const payloadBytes = new WeakMap<ExecutionResult, Buffer>();

function payloadOf(result: SerialisableResult): Buffer {
  if (typeof result.stringify !== "function") return Buffer.from(JSON.stringify(result));
  let bytes = payloadBytes.get(result);
  if (bytes === undefined) {
    bytes = Buffer.from(result.stringify(result));
    payloadBytes.set(result, bytes);
  }
  return bytes;
}

const CLOSING_BRACE = 0x7d;

/**
 * A `next` message, `{"id":…,"type":"next","payload":<result>}`, as one unmasked final text frame
 * (RFC 6455 section 5.2), built by copying the subscription's prefix and the result's bytes: the
 * message differs between subscribers only in its id, so the result is neither re-serialised nor
 * re-encoded per subscriber.
 */
function nextFrame(prefix: Buffer, payload: Buffer): Buffer {
  const length = prefix.length + payload.length + 1;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  prefix.copy(frame, header);
  payload.copy(frame, header + prefix.length);
  frame[header + length - 1] = CLOSING_BRACE;
  return frame;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A subscription's results written straight to the socket as `next` messages, instead of being
 * yielded to graphql-ws, which would await each one, copy it and stringify the whole message. The
 * message is the same: `{"id":…,"type":"next","payload":<result>}`, errors serialised by their
 * toJSON. graphql-ws iterates this iterable, which yields nothing: it ends when the results end
 * (graphql-ws then sends `complete`), rejects with what they throw (graphql-ws sends `error`), and
 * its return() (the client's `complete`, the socket closing) stops the writing. A class rather
 * than closures: one of these lives per subscription.
 *
 * With the readiness of a feed subscription behind the results (src/feed/hub.ts, EntryReadiness)
 * it pulls only when an entry is there, and holds no pending promise chain while it waits.
 */
class DirectDelivery implements AsyncIterableIterator<never> {
  private readonly results: AsyncIterator<ExecutionResult>;
  private readonly prefix: Buffer;
  private stopped = false;
  private delivering: Promise<void> | null = null;
  private draining = false;
  private finished: { resolve: () => void; reject: (error: unknown) => void } | null = null;

  constructor(
    results: AsyncIterable<ExecutionResult>,
    id: string,
    private readonly socket: WebSocket,
    private readonly raw: Duplex,
    private readonly readiness: EntryReadiness | undefined,
  ) {
    this.results = results[Symbol.asyncIterator]();
    this.prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  }

  async next(): Promise<IteratorResult<never>> {
    await (this.delivering ??= this.readiness ? this.deliverWhenReady(this.readiness) : this.deliver());
    return DONE;
  }

  async return(): Promise<IteratorResult<never>> {
    this.stopped = true;
    await this.results.return?.();
    this.finished?.resolve();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async deliver(): Promise<void> {
    for (;;) {
      const item = await this.results.next();
      if (item.done || this.stopped) return;
      const wait = writeFrame(this.socket, this.raw, nextFrame(this.prefix, payloadOf(item.value)));
      if (wait) await wait;
    }
  }

  private deliverWhenReady(readiness: EntryReadiness): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finished = { resolve, reject };
      readiness.onReady(() => this.wake());
      if (readiness.ready) this.wake();
    });
  }

  private wake(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    void this.drain(this.readiness!);
  }

  /** Pulls and writes while entries are ready, then settles until the next wake(). */
  private async drain(readiness: EntryReadiness): Promise<void> {
    try {
      do {
        const item = await this.results.next();
        if (item.done || this.stopped) return this.finished!.resolve();
        const wait = writeFrame(this.socket, this.raw, nextFrame(this.prefix, payloadOf(item.value)));
        if (wait) await wait;
      } while (readiness.ready);
      this.draining = false;
      readiness.settled();
    } catch (error) {
      this.finished!.reject(error);
    }
  }
}

/** A `ws` socket as graphql-ws's server sees it (a class: one lives per connection). */
class ProtocolSocket implements GraphQLWsSocket {
  readonly protocol: string;

  constructor(
    private readonly socket: WebSocket,
    private readonly raw: Duplex,
    private readonly isProd: boolean,
  ) {
    this.protocol = socket.protocol;
  }

  send(data: string): Promise<void> | undefined {
    return write(this.socket, this.raw, data);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.on("message", async (event) => {
      try {
        await handle(String(event));
      } catch (err) {
        console.error("Internal error occurred during message handling. Please check your implementation.", err);
        this.socket.close(CloseCode.InternalServerError, closeReason(err, this.isProd, "Internal server error"));
      }
    });
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return value != null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

function closeReason(error: unknown, isProd: boolean, fallback: string): string {
  if (isProd) return fallback;
  const reason = error instanceof Error ? error.message : String(error);
  // A close reason is at most 123 bytes.
  return Buffer.byteLength(reason) > 123 ? fallback : reason;
}

/** What yoga's getEnveloped() gives for one operation, as operationArgs uses it. */
export interface EnvelopedOperation {
  schema: GraphQLSchema;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
  contextFactory(): unknown;
  execute: unknown;
  subscribe: unknown;
}

/**
 * The execution arguments of a graphql-ws operation through yoga's envelop (its parser, validation
 * rules, context and plugins), or its parse and validation errors, which go to the client as the
 * operation's errors. The root value carries the enveloped execute and subscribe for the server's
 * `execute`/`subscribe` options to call, with `root` added.
 */
export async function operationArgs(
  enveloped: EnvelopedOperation,
  params: SubscribePayload,
  root: Record<string, unknown> = {},
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  let document: DocumentNode;
  try {
    document = enveloped.parse(params.query);
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return errors;
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
  return {
    schema: enveloped.schema,
    operationName: params.operationName,
    document,
    variableValues: params.variables,
    contextValue: await enveloped.contextFactory(),
    rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe, ...root },
  };
}

export function useServer<
  P extends ConnectionInitMessage["payload"] = ConnectionInitMessage["payload"],
  E extends Record<PropertyKey, unknown> = Record<PropertyKey, never>,
>(
  // Subscription results bypass graphql-ws's message building (DirectDelivery), hence no onNext or replacer.
  options: Omit<ServerOptions<P, Extra & Partial<E>>, "onNext" | "jsonMessageReplacer"> & { isProd?: boolean },
  ws: WebSocketServer,
  keepAlive = 12_000,
): { dispose: () => Promise<void> } {
  const isProd = typeof options.isProd === "boolean" ? options.isProd : process.env.NODE_ENV === "production";
  if (ws.options.perMessageDeflate) {
    throw new Error("useServer writes subscription frames itself, uncompressed: create the WebSocketServer with perMessageDeflate: false");
  }
  const server = makeServer<P, Extra & Partial<E>>({
    ...options,
    onOperation: async (ctx, id, payload, args, result) => {
      const replaced = await options.onOperation?.(ctx, id, payload, args, result);
      const operationResult: OperationResult = replaced ?? result;
      if (!isAsyncIterable(operationResult)) return replaced;
      return new DirectDelivery(operationResult, id, ctx.extra.socket, ctx.extra.request.socket, entryReadinessOf(args.contextValue));
    },
  });
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
    // A client that has not answered a ping by the next one, keepAlive later, is gone.
    let awaitingPong = false;
    socket.on("pong", () => (awaitingPong = false));
    const pingInterval =
      keepAlive > 0 && Number.isFinite(keepAlive)
        ? setInterval(() => {
            if (awaitingPong) return socket.terminate();
            if (socket.readyState !== socket.OPEN) return;
            awaitingPong = true;
            cork(raw);
            socket.ping();
          }, keepAlive)
        : null;
    const closed = server.opened(new ProtocolSocket(socket, raw, isProd), { socket, request } as Extra & Partial<E>);
    socket.once("close", (code, reason) => {
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
