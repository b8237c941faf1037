import { type SQL, and, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { lookupKeys } from "../ingest/entities.js";

/**
 * Filters are built as functions of the table, because drizzle's relational queries alias the
 * table: the same function serves the page query (with the alias) and the count (with the table).
 */
export type TableFilter<T> = (table: T) => SQL | undefined;

export function allOf<T>(...filters: (TableFilter<T> | null | undefined | false)[]): TableFilter<T> {
  const present = filters.filter((f): f is TableFilter<T> => typeof f === "function");
  return (table) => and(...present.map((f) => f(table)));
}

/** Rows whose entity column points at an entity with this name or alias. */
export function entityNamed(column: AnyPgColumn | SQL, name: string, kind?: string): SQL {
  const kindFilter = kind ? sql` and x.kind = ${kind}` : sql``;
  return sql`${column} in (select x.id from entities x where x.alias_keys && ${sql.param(lookupKeys(name))}::text[]${kindFilter})`;
}

/** Full-text match of a tsvector column against a web-style search ("quoted phrase", -not, or). */
export function textMatches(vector: AnyPgColumn | SQL, query: string): SQL {
  return sql`${vector} @@ websearch_to_tsquery('english', ${query})`;
}
