import { sql } from "drizzle-orm";

/**
 * Writes LIMIT and OFFSET into the SQL text of a relational query instead of sending them as
 * parameters, so that PostgreSQL plans each prepared statement once.
 *
 * Why: PostgreSQL switches a prepared statement to its generic plan after five runs only if that
 * plan is about as cheap as the custom ones. With the page size a parameter, the generic plan
 * cannot know the page is small, it joins whole tables, and every request is planned again
 * (measured at 100k articles: 2 ms of planning for 1 ms of execution on the events page). Page
 * sizes are small integers from validated arguments, so there are few distinct statements.
 *
 * Returns a copy: Pothos keeps reading the numeric `limit` of the options it built.
 */
export function inlinePageSizes<T>(options: T): T {
  if (options === null || typeof options !== "object" || Array.isArray(options)) return options;
  const copy: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const key of ["limit", "offset"] as const) {
    const value = copy[key];
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) copy[key] = sql.raw(String(value));
  }
  const relations = copy.with;
  if (relations && typeof relations === "object") {
    copy.with = Object.fromEntries(Object.entries(relations).map(([name, nested]) => [name, inlinePageSizes(nested)]));
  }
  return copy as T;
}
