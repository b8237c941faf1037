import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type DocumentNode, getOperationAST } from "graphql";
import { createYoga, type Plugin, type YogaInitialContext } from "graphql-yoga";
import { WebSocketServer } from "ws";
import {
  type Config,
  DEFAULT_LIMITS,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SLOW_QUERY_MS,
} from "./config.js";
import type { Store } from "./db/client.js";
import { sharedSubscriptionExecution } from "./feed/fanout.js";
import { FeedHub } from "./feed/hub.js";
import type { Context } from "./graphql/builder.js";
import { EXAMPLE_OPERATIONS } from "./graphql/examples.js";
import { schema } from "./graphql/schema.js";
import { bearerToken, connectionToken, tokenMatches } from "./http/auth.js";
import { limitPlugins } from "./http/limits.js";
import { feedSseDelivery } from "./http/sse.js";
import { operationArgs, useServer } from "./http/ws-server.js";
import { log as defaultLogger, type Logger } from "./log.js";

export interface RunningServer {
  url: string;
  http: Server;
  feed: FeedHub;
  /** Mutations (ingests) executing now. */
  readonly inFlightIngests: number;
  /**
   * Shuts down gracefully: stops accepting connections and requests, lets in-flight requests and
   * ingests finish, ends subscriptions (SSE streams complete, WebSocket clients get `complete`
   * and close 1001), then closes every connection. Does not close the store.
   */
  close(): Promise<void>;
}

/** What startServer needs; everything but the port and article limit has a default. */
export type ServerOptions = Pick<Config, "port" | "maxArticleBytes"> &
  Partial<Omit<Config, "port" | "maxArticleBytes" | "databaseUrl" | "dataDir">> & {
    /** Defaults to the process logger (src/log.ts). */
    logger?: Logger;
  };


/** One HTTP request or WebSocket operation, as seen by the logs. */
interface RequestState {
  id: string;
  transport: "http" | "ws";
  operationName?: string | null;
  operationType?: string;
  /** SQL statements drizzle sent for this request (text only; the driver does not time them). */
  statements: string[];
}

interface ServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
  /** Set for WebSocket operations from the connection's token. */
  canIngest?: boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const SLOW_STATEMENTS_LOGGED = 20;
const STATEMENT_CHARS = 500;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

/** Resolves with `promise`, or rejects after `ms` with `message`. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits for `promise` at most `ms`; true when it settled in time. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withTimeout(promise.then(() => undefined, () => undefined), ms, "timeout");
    return true;
  } catch {
    return false;
  }
}

function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  return { name: operationName ?? operation?.name?.value ?? null, type: operation?.operation ?? "unknown" };
}

/**
 * Serves the GraphQL API (HTTP, SSE and graphql-ws on /graphql) over an open store, with
 * /healthz and /readyz, request limits, ingest auth, request logs and graceful shutdown.
 */
export async function startServer(store: Store, options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? defaultLogger;
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const slowQueryMs = options.slowQueryMs ?? DEFAULT_SLOW_QUERY_MS;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const ingestToken = options.ingestToken;
  const production = process.env.NODE_ENV === "production";

  const feed = new FeedHub(store);
  await feed.start();

  const requests = new AsyncLocalStorage<RequestState>();
  const stopObserving = store.onQuery((query) => requests.getStore()?.statements.push(query));
  const mutations = new Set<Promise<void>>();
  /** HTTP requests being answered; `streaming` ones (SSE) only end with their subscription. */
  const inFlight = new Map<Promise<void>, { streaming: boolean }>();
  let draining = false;
  /** WebSocket operations running, so that shutdown closes sockets only after their `complete`. */
  const wsOperations = new Set<string>();
  let wsDrained: (() => void) | null = null;

  const mayIngest = (token: string | null) => ingestToken === undefined || tokenMatches(ingestToken, token);

  const observe: Plugin = {
    onExecute({ args }) {
      const state = requests.getStore();
      const operation = operationOf(args.document, args.operationName);
      if (state) Object.assign(state, { operationName: operation.name, operationType: operation.type });
      const started = performance.now();
      let finished: () => void = () => {};
      if (operation.type === "mutation") {
        const done = new Promise<void>((resolve) => (finished = resolve));
        mutations.add(done);
        void done.then(() => mutations.delete(done));
      }
      return {
        onExecuteDone() {
          finished();
          const durationMs = Math.round(performance.now() - started);
          if (state?.transport === "ws") {
            logger.info({ reqId: state.id, transport: "ws", operationName: operation.name, operationType: operation.type, durationMs }, "operation");
          }
          if (durationMs > slowQueryMs) {
            const statements = state?.statements ?? [];
            logger.warn(
              {
                reqId: state?.id,
                operationName: operation.name,
                operationType: operation.type,
                durationMs,
                statementCount: statements.length,
                statements: statements.slice(0, SLOW_STATEMENTS_LOGGED).map((s) => s.slice(0, STATEMENT_CHARS)),
              },
              "slow operation",
            );
          }
        },
      };
    },
    onSubscribe({ args }) {
      const state = requests.getStore();
      const operation = operationOf(args.document, args.operationName);
      if (state) Object.assign(state, { operationName: operation.name, operationType: operation.type });
      logger.debug({ reqId: state?.id, operationName: operation.name }, "subscription started");
    },
  };

  const context = (initial: YogaInitialContext & ServerContext): Context => ({
    db: store.reads,
    writeDb: store.db,
    feed,
    maxArticleBytes: options.maxArticleBytes,
    canIngest: initial.canIngest ?? mayIngest(bearerToken(initial.request?.headers.get("authorization"))),
  });

  const yoga = createYoga<ServerContext, Context>({
    schema,
    context,
    graphqlEndpoint: "/graphql",
    graphiql: { title: "Newsgraph", defaultQuery: EXAMPLE_OPERATIONS, subscriptionsProtocol: "WS" },
    landingPage: false,
    // handle() already refuses bodies over MAX_BODY_BYTES by Content-Length, and chunked ones, and
    // Node's parser holds a body to its Content-Length; yoga's own check would pipe every body
    // through a TransformStream to count its bytes again (a stream pipeline per request).
    maxRequestBodySize: false,
    // Unexpected errors read "Unexpected error."; outside production extensions.originalError has the cause.
    maskedErrors: { isDev: !production },
    logging: {
      debug: (...args: unknown[]) => logger.debug({ yoga: args.map(String) }, "yoga"),
      info: (...args: unknown[]) => logger.info({ yoga: args.map(String) }, "yoga"),
      warn: (...args: unknown[]) => logger.warn({ yoga: args.map(String) }, "yoga"),
      error: (...args: unknown[]) => logger.error({ err: args.find((a) => a instanceof Error), yoga: args.map(String) }, "yoga"),
    },
    // Subscribers with the same operation share one execution per feed entry (src/feed/fanout.ts),
    // and SSE subscribers of the feed are written as WebSocket ones are, when an entry is ready (src/http/sse.ts).
    plugins: [observe, ...limitPlugins(limits), sharedSubscriptionExecution(), feedSseDelivery()],
  });

  async function readiness(res: ServerResponse): Promise<void> {
    const started = performance.now();
    try {
      await withTimeout(store.rows("select 1"), readyTimeoutMs, `the database did not answer within ${readyTimeoutMs} ms`);
      sendJson(res, 200, { status: "ready", database: "ok", latencyMs: Math.round(performance.now() - started) });
    } catch (error) {
      logger.warn({ err: error }, "not ready: the database does not answer");
      const reason = production ? undefined : (error as Error).message;
      sendJson(res, 503, { status: "unavailable", database: "unreachable", reason });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", id);
    const state: RequestState = { id, transport: "http", statements: [] };
    const started = performance.now();
    res.once("close", () => {
      const line = {
        reqId: id,
        method: req.method,
        path: req.url?.split("?")[0],
        status: res.statusCode,
        operationName: state.operationName,
        operationType: state.operationType,
        durationMs: Math.round(performance.now() - started),
      };
      if (res.statusCode >= 500) logger.error(line, "request");
      else logger.info(line, "request");
    });
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (draining) return sendJson(res, 503, { status: "shutting down" }, { connection: "close" });
    if (path === "/readyz") return readiness(res);
    if (req.method !== "GET" && req.method !== "HEAD") {
      const length = req.headers["content-length"];
      if (length === undefined && req.headers["transfer-encoding"] !== undefined) {
        return sendJson(res, 411, errorBody("LENGTH_REQUIRED", "Send a Content-Length header (chunked request bodies are not accepted)."), {
          connection: "close",
        });
      }
      if (Number(length) > limits.maxBodyBytes) {
        return sendJson(
          res,
          413,
          errorBody("BODY_TOO_LARGE", `The request body is ${length} bytes; the limit is ${limits.maxBodyBytes} bytes (MAX_BODY_BYTES).`),
          { connection: "close" },
        );
      }
    }
    const streaming = (req.headers.accept ?? "").includes("text/event-stream");
    const answered = requests.run(state, () => Promise.resolve(yoga(req, res, { req, res }))).then(() => undefined);
    const done = new Promise<void>((resolve) => res.once("close", resolve));
    inFlight.set(done, { streaming });
    void done.then(() => inFlight.delete(done));
    await answered;
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Unexpected error." }] });
      else res.destroy();
    });
  });

  // Uncompressed: the adapter frames subscription results itself (src/http/ws-server.ts).
  const wsServer = new WebSocketServer({ server: http, path: yoga.graphqlEndpoint, perMessageDeflate: false });
  const wsCleanup = useServer<Record<string, unknown> | undefined, { canIngest?: boolean; id?: string }>(
    {
      // A wrong token refuses the connection (4403 Forbidden); no token gives a read-only one.
      onConnect: (ctx) => {
        const token = connectionToken(ctx.connectionParams);
        ctx.extra.id = randomUUID();
        if (token !== null && ingestToken !== undefined && !tokenMatches(ingestToken, token)) {
          logger.warn({ connId: ctx.extra.id }, "WebSocket connection refused: wrong ingest token");
          return false;
        }
        ctx.extra.canIngest = mayIngest(token);
        logger.info({ connId: ctx.extra.id, canIngest: ctx.extra.canIngest }, "WebSocket connected");
        return true;
      },
      onClose: (ctx, code) => logger.info({ connId: ctx.extra.id, code }, "WebSocket closed"),
      onOperation: (ctx, id) => void wsOperations.add(`${ctx.extra.id}/${id}`),
      onComplete: (ctx, id) => {
        wsOperations.delete(`${ctx.extra.id}/${id}`);
        if (wsOperations.size === 0) wsDrained?.();
      },
      execute: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        return requests.run(root.state, () => root.execute(args));
      },
      subscribe: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        return requests.run(root.state, () => root.subscribe(args));
      },
      onSubscribe: async (ctx, id, params) => {
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          canIngest: ctx.extra.canIngest === true,
        });
        const state: RequestState = { id: `${ctx.extra.id}/${id}`, transport: "ws", statements: [] };
        return operationArgs(enveloped, params, { state });
      },
    },
    wsServer,
  );

  await new Promise<void>((resolve) => http.listen(options.port, resolve));
  const { port } = http.address() as AddressInfo;

  let closing: Promise<void> | null = null;
  async function shutdown(): Promise<void> {
    draining = true;
    const listenerClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    // 1. Let requests and ingests in flight finish (subscriptions go on meanwhile).
    const pending = [...mutations, ...[...inFlight].filter(([, r]) => !r.streaming).map(([p]) => p)];
    if (!(await settledWithin(Promise.all(pending), shutdownTimeoutMs))) {
      logger.warn({ pending: pending.length }, "shutdown: requests still running after SHUTDOWN_TIMEOUT_MS");
    }
    // 2. End subscriptions: SSE streams complete, WebSocket subscribers get `complete`.
    try {
      await feed.stop();
    } catch (error) {
      logger.warn({ err: error }, "shutdown: the feed did not stop cleanly");
    }
    const wsDone = wsOperations.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wsDrained = resolve));
    await settledWithin(Promise.all([...inFlight.keys(), wsDone]), 2_000);
    // 3. Close WebSockets (1001 Going away) and every remaining connection.
    await wsCleanup.dispose();
    http.closeAllConnections();
    await listenerClosed;
    stopObserving();
    logger.info("server closed");
  }

  return {
    url: `http://localhost:${port}/graphql`,
    http,
    feed,
    get inFlightIngests() {
      return mutations.size;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

interface EnvelopedRoot {
  execute: (args: unknown) => never;
  subscribe: (args: unknown) => never;
  state: RequestState;
}
