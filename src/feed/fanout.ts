import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  print,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { EntryReadiness } from "./hub.js";

/**
 * Shared subscription execution: the feed hub pushes the same entry object to every matching
 * subscriber, and subscribers with the same operation (document text, operation name, variables
 * and ingest permission) would compute the same result from it. This plugin runs the operation
 * once per (entry, operation) and hands the one ExecutionResult to all of them, so ten thousand
 * subscribers cost one execution per entry, not ten thousand.
 *
 * Each subscriber keeps its own source stream (its own filters, cursor, ordering and exactly-once
 * bookkeeping in the hub); only the mapping of an entry to a result is shared. Payloads that are
 * not objects (nothing to key a WeakMap on) are executed per subscriber, as before.
 */

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * A result that knows its JSON text. `stringify` is graphql-yoga's convention for results with their
 * own serialiser (its SSE and HTTP result processors call it); our WebSocket adapter
 * (src/http/ws-server.ts) honours it too.
 */
export type SerialisableResult = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/** Per source payload, the result of each operation key. Dies with the payload. */
const resultsByPayload = new WeakMap<object, Map<string, Result>>();
const documentText = new WeakMap<DocumentNode, string>();

/** How many queued entries a subscriber's next result waits for (see sharedResults). */
const READ_AHEAD = 8;

/** Statistics for tests and diagnostics. */
export const fanoutStats = { executions: 0, shared: 0 };

function textOf(document: DocumentNode): string {
  let text = documentText.get(document);
  if (text === undefined) {
    text = document.loc?.source.body ?? print(document);
    documentText.set(document, text);
  }
  return text;
}

/**
 * Gives a shared result a `stringify` that serialises it once for all its subscribers. Transports
 * that change a result before writing it (error masking, removal of internal error extensions)
 * pass a copy, which is serialised as usual; the property is not enumerable, so copies do not
 * carry it.
 */
function serialisedOnce(result: ExecutionResult): SerialisableResult {
  let text: string | undefined;
  Object.defineProperty(result, "stringify", {
    value: (value: ExecutionResult) => (value === result ? (text ??= JSON.stringify(result)) : JSON.stringify(value)),
  });
  return result;
}

/**
 * What makes two subscribers' results equal for the same payload. Reads are public; the only
 * context that differs between clients is the ingest permission, so it is part of the key.
 */
export function operationKey(args: Pick<ExecutionArgs, "document" | "operationName" | "variableValues" | "contextValue">): string {
  const canIngest = (args.contextValue as { canIngest?: boolean } | undefined)?.canIngest === true;
  return JSON.stringify([textOf(args.document), args.operationName ?? null, args.variableValues ?? null, canIngest]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** A feed subscription's stream (src/feed/hub.ts): `queued()` shows the entries waiting behind the next one. */
type SourceStream = AsyncIterator<unknown> & { queued?: () => readonly unknown[] } & Partial<EntryReadiness>;

/** The readiness of each operation's feed subscription, by the operation's context object. */
const readinessByContext = new WeakMap<object, EntryReadiness>();

/**
 * The readiness of the feed subscription behind an operation's results (see EntryReadiness), for
 * a transport to wait on instead of a pending next(). The results pass through yoga's layers
 * (error masking and other plugins), so the transport pulls through those as before; only the
 * waiting moves. Undefined when the operation's stream is not a feed subscription.
 */
export function entryReadinessOf(contextValue: unknown): EntryReadiness | undefined {
  return contextValue !== null && typeof contextValue === "object" ? readinessByContext.get(contextValue) : undefined;
}

function isEntryReadiness(source: SourceStream): source is SourceStream & EntryReadiness {
  return typeof source.onReady === "function" && typeof source.settled === "function" && "ready" in source;
}

/**
 * Maps a subscriber's source stream to results, sharing each payload's result per operation key.
 * A class rather than closures: one of these lives per subscriber.
 */
class SharedResults implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: SourceStream,
    private readonly args: ExecutionArgs,
    private readonly key: string,
  ) {
    const context = args.contextValue;
    if (context !== null && typeof context === "object" && isEntryReadiness(source)) readinessByContext.set(context, source);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const item = await this.source.next();
    if (item.done) return DONE;
    const result = this.resultOf(item.value);
    // Entries of the same commit usually wait right behind this one: start their executions now
    // and deliver this result when they are ready too, so that the results of one commit reach
    // a subscriber together (one write to its socket, not one per entry).
    const ahead = this.source.queued?.();
    if (ahead && ahead.length > 0) {
      const pending: Promise<ExecutionResult>[] = [];
      for (let i = 0; i < ahead.length && i < READ_AHEAD; i++) {
        const next = this.resultOf(ahead[i]);
        if (next instanceof Promise) pending.push(next);
      }
      if (pending.length > 0) await Promise.allSettled(pending);
    }
    return { done: false, value: result instanceof Promise ? await result : result };
  }

  // Unsubscribing ends the source at once, even while next() waits for an entry.
  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    if (this.source.throw) await this.source.throw(error);
    else await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private resultOf(payload: unknown): Result {
    if (payload === null || typeof payload !== "object") return this.run(payload);
    let results = resultsByPayload.get(payload);
    if (!results) {
      results = new Map();
      resultsByPayload.set(payload, results);
    }
    const key = this.key;
    let result = results.get(key);
    if (result === undefined) {
      result = this.run(payload);
      results.set(key, result);
      // Once settled, later subscribers take the value itself, without awaiting a promise.
      if (result instanceof Promise) {
        const map = results;
        void result.then((value) => void map.set(key, value), () => {});
      }
    } else {
      fanoutStats.shared++;
    }
    return result;
  }

  private run(payload: unknown): Result {
    fanoutStats.executions++;
    const args = this.args;
    // A fresh context object per execution: per-context caches (Pothos, drizzle) neither outlive the
    // entry nor serve a later entry stale rows.
    const contextValue = args.contextValue && typeof args.contextValue === "object" ? { ...args.contextValue } : args.contextValue;
    const result = execute({ ...args, rootValue: payload, contextValue }) as Result;
    return result instanceof Promise ? result.then(serialisedOnce) : serialisedOnce(result);
  }
}

/**
 * An envelop plugin that replaces the subscribe function: it creates the subscriber's source
 * stream as usual and maps it through shared executions. Anything other than a stream (errors
 * from the subscribe resolver, invalid variables) is left to the original subscribe function,
 * so that error results stay exactly as they were.
 */
export function sharedSubscriptionExecution(): Plugin {
  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      const original = subscribeFn as (args: ExecutionArgs) => unknown;
      setSubscribeFn(async (args: ExecutionArgs) => {
        let stream: unknown;
        try {
          stream = await createSourceEventStream(args);
        } catch {
          return original(args);
        }
        if (!isAsyncIterable(stream)) return original(args);
        return new SharedResults(stream[Symbol.asyncIterator](), args, operationKey(args));
      });
    },
  };
}
