import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import WebSocket from "ws";

/** A live subscription that collects what it receives. */
export interface Collector<T> {
  received: T[];
  /** Resolves once `count` payloads have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

type Sink = { next: (value: { data?: any; errors?: unknown }) => void; error: (e: unknown) => void; complete: () => void };

function collector<T>(pick: (data: any) => T): { sink: Sink; collector: Omit<Collector<T>, "close"> } {
  const received: T[] = [];
  const waiters: (() => void)[] = [];
  let failure: unknown = null;
  const notify = () => waiters.splice(0).forEach((w) => w());
  const sink: Sink = {
    next: (value) => {
      if (value.errors) failure = value.errors;
      else received.push(pick(value.data));
      notify();
    },
    error: (e) => {
      failure = e;
      notify();
    },
    complete: notify,
  };
  return {
    sink,
    collector: {
      received,
      async waitFor(count, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        while (received.length < count) {
          if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`received ${received.length} of ${count} payloads in ${timeoutMs} ms`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, Math.min(left, 250));
          });
        }
        return received.slice(0, count);
      },
    },
  };
}

/** Subscribes over graphql-ws (WebSocket). */
export function subscribeWs<T>(httpUrl: string, query: string, pick: (data: any) => T, variables?: Record<string, unknown>): Collector<T> {
  const client = createWsClient({ url: httpUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  const { sink, collector: c } = collector(pick);
  const unsubscribe = client.subscribe({ query, variables }, sink);
  return { ...c, close: async () => (unsubscribe(), await client.dispose()) };
}

/** Subscribes over Server-Sent Events (GraphQL over SSE, distinct connections). */
export function subscribeSse<T>(httpUrl: string, query: string, pick: (data: any) => T, variables?: Record<string, unknown>): Collector<T> {
  const client = createSseClient({ url: httpUrl, retryAttempts: 0 });
  const { sink, collector: c } = collector(pick);
  const unsubscribe = client.subscribe({ query, variables }, sink);
  return { ...c, close: async () => (unsubscribe(), client.dispose()) };
}
