import { Readable } from "node:stream";
import type { ExecutionResult } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { entryReadinessOf, type SerialisableResult } from "../feed/fanout.js";
import type { EntryReadiness } from "../feed/hub.js";

/**
 * GraphQL over SSE (distinct connections) for feed subscriptions, in place of yoga's own SSE
 * processor and with the same events: a `:` ping first and every 12 s, `event: next` per result
 * (errors without their internal `http` and `unexpected` extensions), `event: complete` at the end.
 *
 * Why: yoga's processor pulls the next result through a web ReadableStream as soon as the last is
 * sent, so between entries every SSE subscriber holds a pending chain of promises through every
 * layer of its result stream. They live long enough to be promoted to V8's old generation, and
 * became most of its growth in the subscription benchmark (10,000 WebSocket and 1,000 SSE
 * subscribers: some 6 MiB/s, none with WebSocket subscribers alone), and each delivery took some
 * four times the CPU of a WebSocket one. Here, as for WebSocket operations (src/http/ws-server.ts),
 * the stream pulls only when the hub says an entry is ready (EntryReadiness), and a result shared
 * by many subscribers is encoded as one event once for all of them.
 *
 * Subscriptions whose stream is not the feed hub's keep yoga's processor.
 */
export function feedSseDelivery(): Plugin {
  /** Each subscription request's context, whose feed stream's readiness the result processor needs. */
  const contexts = new WeakMap<Request, object>();
  return {
    onSubscribe({ args }) {
      const context = args.contextValue as { request?: Request };
      if (context.request) contexts.set(context.request, context);
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // For a subscription request, an async iterable result has a processor only when the client
      // accepts text/event-stream (yoga's useResultProcessors): SSE is what was chosen.
      if (!resultProcessor || !isAsyncIterable(result)) return;
      const readiness = entryReadinessOf(contexts.get(request));
      if (!readiness) return;
      setResultProcessor((processed, fetchAPI) => {
        const body = new FeedEventStream((processed as AsyncIterable<SerialisableResult>)[Symbol.asyncIterator](), readiness);
        // @whatwg-node's Response takes a Node Readable for a body, and pipes it to the Node response.
        return new fetchAPI.Response(body as unknown as ReadableStream, {
          status: 200,
          headers: SSE_HEADERS,
        });
      }, "text/event-stream");
    },
  };
}

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  Connection: "keep-alive",
  "Cache-Control": "no-cache",
  "Content-Encoding": "none",
};
const PING_INTERVAL_MS = 12_000;
const PING = Buffer.from(":\n\n");
const COMPLETE = Buffer.from("event: complete\ndata:\n\n");

/** The `next` event of each shared result (a result with its own `stringify`), encoded once for all its subscribers. */
const nextEvents = new WeakMap<ExecutionResult, Buffer>();

function nextEventOf(result: SerialisableResult): Buffer {
  const shared = typeof result.stringify === "function" && !result.errors?.length && !result.extensions?.http;
  let event = shared ? nextEvents.get(result) : undefined;
  if (event === undefined) {
    event = Buffer.from(`event: next\ndata: ${jsonWithoutInternals(result)}\n\n`);
    if (shared) nextEvents.set(result, event);
  }
  return event;
}

/** A result's JSON as yoga's SSE writes it: errors and extensions without the internal `http` and `unexpected`. */
function jsonWithoutInternals(result: SerialisableResult): string {
  if (!result.errors?.length && !result.extensions?.http) return result.stringify ? result.stringify(result) : JSON.stringify(result);
  const { http: _http, ...extensions } = result.extensions ?? {};
  return JSON.stringify({
    ...result,
    errors: result.errors?.map((error) => {
      const json = typeof error.toJSON === "function" ? error.toJSON() : { message: error.message, extensions: error.extensions };
      const { http: _status, unexpected: _unexpected, ...rest } = json.extensions ?? {};
      return {
        ...json,
        extensions: Object.keys(rest).length > 0 ? rest : undefined,
      };
    }),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  });
}

/**
 * One subscriber's event stream. It pulls results only while its feed subscription is ready and
 * the response takes more (push() returned true), then tells the hub it has settled; the response
 * asking for more (_read) or the hub announcing an entry (onReady) wakes it.
 */
class FeedEventStream extends Readable {
  private draining = false;
  private full = false;
  private ended = false;
  private readonly ping: NodeJS.Timeout;

  constructor(
    private readonly results: AsyncIterator<SerialisableResult>,
    private readonly readiness: EntryReadiness,
  ) {
    super();
    // A ping first: some browsers hold a fetch until the body starts.
    this.push(PING);
    this.ping = setInterval(() => {
      if (!this.full) this.push(PING);
    }, PING_INTERVAL_MS);
    readiness.onReady(() => this.wake());
    if (readiness.ready) this.wake();
  }

  override _read(): void {
    if (!this.full) return;
    this.full = false;
    if (this.readiness.ready) this.wake();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop();
    // The client went away (or the response failed): end the feed subscription.
    void this.results.return?.().catch(() => {});
    callback(error);
  }

  private wake(): void {
    if (this.draining || this.full || this.ended || this.destroyed) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      do {
        const item = await this.results.next();
        if (this.destroyed) return;
        if (item.done) {
          this.push(COMPLETE);
          this.push(null);
          return this.stop();
        }
        if (!this.push(nextEventOf(item.value))) this.full = true;
      } while (!this.full && this.readiness.ready);
      this.draining = false;
      this.readiness.settled();
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  /** Stops pinging and waking; the hub need not wait for this subscriber again. */
  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.ping);
    this.readiness.settled();
  }
}
