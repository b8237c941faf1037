import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./gql/graphql";
import type { EventSummaryFragment, IngestArticleInput, IngestErrorCode } from "./gql/graphql";
import { EventAddedSubscription, IngestArticleMutation, LatestEventsQuery } from "./operations";

export type { EventSummaryFragment as EventSummary } from "./gql/graphql";

export interface NewsgraphClientOptions {
  /** Bearer token for ingestArticle, when the server requires one. */
  token?: string;
  /** WebSocket implementation; defaults to the global one (browsers, Node 22+). */
  webSocketImpl?: unknown;
}

/** A GraphQL error response: the operation did not run (or not completely). */
export class GraphQLResponseError extends Error {
  constructor(readonly errors: { message: string }[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "GraphQLResponseError";
  }
}

export type IngestOutcome =
  | { ok: true; duplicate: boolean; articleId: string | undefined; added: EventSummaryFragment[]; updated: { id: string; title?: string | null }[] }
  | { ok: false; code: IngestErrorCode | null | undefined; message: string };

/** A small typed Newsgraph client: queries and mutations over HTTP, subscriptions over graphql-ws. */
export class NewsgraphClient {
  private ws: Client | undefined;

  constructor(
    readonly url: string,
    private readonly options: NewsgraphClientOptions = {},
  ) {}

  /** Runs a query or mutation; its result is typed by the document. */
  async execute<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: Variables): Promise<Result> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
    if (body.errors?.length) throw new GraphQLResponseError(body.errors);
    if (!body.data) throw new Error(`no data in the response (HTTP ${response.status})`);
    return body.data;
  }

  /** Every result of a subscription, until the iterator is returned or the server ends it. */
  subscribe<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: Variables): AsyncIterableIterator<Result> {
    this.ws ??= createClient({
      url: this.url.replace(/^http/, "ws"),
      lazy: true,
      retryAttempts: 5,
      ...(this.options.webSocketImpl ? { webSocketImpl: this.options.webSocketImpl } : {}),
    });
    const iterator = this.ws.iterate<Result>({ query: document.toString(), variables: variables as Record<string, unknown> });
    return (async function* () {
      for await (const result of iterator) {
        if (result.errors?.length) throw new GraphQLResponseError(result.errors as { message: string }[]);
        if (result.data) yield result.data;
      }
    })();
  }

  latestEvents(first = 20, filter: { type?: EventSummaryFragment["type"]; place?: string; from?: string; to?: string } = {}) {
    return this.execute(LatestEventsQuery, { first, ...filter });
  }

  /** Ingests an article; a refusal (the IngestError union member) is a value, not an exception. */
  async ingestArticle(input: IngestArticleInput): Promise<IngestOutcome> {
    const { ingestArticle: result } = await this.execute(IngestArticleMutation, { input });
    if (!result) throw new Error("ingestArticle returned null");
    switch (result.__typename) {
      case "IngestArticlePayload":
        return {
          ok: true,
          duplicate: result.duplicate ?? false,
          articleId: result.article?.id,
          added: result.addedEvents ?? [],
          updated: result.updatedEvents ?? [],
        };
      case "IngestError":
        return { ok: false, code: result.code, message: result.message ?? "refused" };
      default: {
        const unexpected: never = result;
        throw new Error(`unexpected ingestArticle result ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** New events as articles are ingested; `after` (from latestEvents().eventFeedCursor) replays what was missed. */
  eventAdded(variables: { type?: EventSummaryFragment["type"]; place?: string; participant?: string; after?: string } = {}) {
    return this.subscribe(EventAddedSubscription, variables);
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
  }
}
