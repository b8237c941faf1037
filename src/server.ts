import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useServer } from "graphql-ws/use/ws";
import { createYoga } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Config } from "./config.js";
import type { Store } from "./db/client.js";
import { FeedHub } from "./feed/hub.js";
import type { Context } from "./graphql/builder.js";
import { schema } from "./graphql/schema.js";

export interface RunningServer {
  url: string;
  http: Server;
  feed: FeedHub;
  close(): Promise<void>;
}

const EXAMPLE_QUERY = `# Newsgraph: the latest events with their sources
query LatestEvents {
  events(first: 5) {
    totalCount
    edges {
      node {
        title
        type
        date
        status
        place { name country latitude longitude }
        participants { __typename name }
        mentionCount
        sourceCount
        mentions(first: 3) { edges { node { evidence article { title source publishedAt } } } }
      }
    }
  }
}

# Live: run this in another tab, then ingest an article.
# subscription { eventAdded { cursor node { title type date } } }
`;

/** Serves the GraphQL API (HTTP, SSE and graphql-ws on /graphql) over an open store. */
export async function startServer(store: Store, config: Pick<Config, "port" | "maxArticleBytes">): Promise<RunningServer> {
  const feed = new FeedHub(store);
  await feed.start();
  const context = (): Context => ({ db: store.db, feed, maxArticleBytes: config.maxArticleBytes });
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    context,
    graphqlEndpoint: "/graphql",
    graphiql: { title: "Newsgraph", defaultQuery: EXAMPLE_QUERY, subscriptionsProtocol: "WS" },
    landingPage: false,
    // Unexpected errors show their cause outside production; in production they are masked.
    maskedErrors: { isDev: process.env.NODE_ENV !== "production" },
  });
  const http = createServer(yoga);
  const wsServer = new WebSocketServer({ server: http, path: yoga.graphqlEndpoint });
  const wsCleanup = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const args = {
          schema: enveloped.schema,
          operationName: params.operationName,
          document: enveloped.parse(params.query),
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        const errors = enveloped.validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wsServer,
  );
  await new Promise<void>((resolve) => http.listen(config.port, resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/graphql`,
    http,
    feed,
    async close() {
      await feed.stop();
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

interface EnvelopedRoot {
  execute: (args: unknown) => never;
  subscribe: (args: unknown) => never;
}
