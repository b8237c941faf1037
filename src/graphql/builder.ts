import SchemaBuilder from "@pothos/core";
import DrizzlePlugin from "@pothos/plugin-drizzle";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import { getTableConfig } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { relations } from "../db/relations.js";
import type { FeedHub } from "../feed/hub.js";

export interface Context {
  /** Reads (Store.reads): every query and subscription of the schema runs on it. */
  db: Database;
  /** Writes (Store.db): ingestArticle's transaction runs on it. */
  writeDb: Database;
  feed: FeedHub;
  /** Largest article body accepted by ingestArticle, in bytes. */
  maxArticleBytes: number;
  /** The request may ingest: it carried the INGEST_TOKEN, or no token is configured. */
  canIngest: boolean;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const builder = new SchemaBuilder<{
  Context: Context;
  DrizzleRelations: typeof relations;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin, DrizzlePlugin],
  relay: {
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
  },
  drizzle: { client: (ctx) => ctx.db, getTableConfig, relations },
  errors: { directResult: true },
});

builder.scalarType("Date", {
  description: "A calendar date, ISO 8601 (YYYY-MM-DD).",
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== "string" || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw new TypeError(`Date must be an ISO date (YYYY-MM-DD), not ${JSON.stringify(value)}`);
    }
    return value;
  },
});

builder.scalarType("DateTime", {
  description: "A point in time, ISO 8601 with time zone.",
  serialize: (value) => new Date(value).toISOString(),
  parseValue: (value) => {
    if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
      throw new TypeError(`DateTime must be an ISO 8601 timestamp, not ${JSON.stringify(value)}`);
    }
    return value;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
