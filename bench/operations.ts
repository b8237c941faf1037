// The benchmark's representative read operations, as each server under test spells them.
// The same data is asked for in each: shapes differ only where the schemas name things differently.

export interface OperationParams {
  person: string;
  type: string;
  place: string;
  from: string;
  to: string;
  search: string;
}

export interface Operation {
  name: string;
  /** What it asks for, for the table. */
  description: string;
  query: string;
  variables: (p: OperationParams) => Record<string, unknown>;
}

export const NEWSGRAPH_OPERATIONS: Operation[] = [
  {
    name: "eventsFeed",
    description: "events(first: 20) with participants, place and 3 mentions -> article",
    query: `query EventsFeed { events(first: 20) { edges { node { id title type date status
      place { name country } participants { __typename name }
      mentions(first: 3) { edges { node { evidence article { title source publishedAt } } } } } } } }`,
    variables: () => ({}),
  },
  {
    name: "entityPage",
    description: "a person with 10 quotes (-> article) and 10 events",
    query: `query EntityPage($name: String!) { people(name: $name, first: 1) { edges { node { id name role
      quotes(first: 10) { edges { node { text article { title publishedAt } } } }
      events(first: 10) { edges { node { title type date } } } } } } }`,
    variables: (p) => ({ name: p.person }),
  },
  {
    name: "eventSearch",
    description: "events of a type in a date range at a place (first: 20) with place and participants",
    query: `query EventSearch($type: EventType!, $from: Date!, $to: Date!, $place: String!) {
      events(type: $type, from: $from, to: $to, place: $place, first: 20) { edges { node { id title date
      place { name } participants { __typename name } } } } }`,
    variables: (p) => ({ type: p.type, from: p.from, to: p.to, place: p.place }),
  },
  {
    name: "quoteSearch",
    description: "full-text quote search (first: 20) with speaker and article",
    query: `query QuoteSearch($q: String!) { quotes(search: $q, first: 20) { edges { node { text
      speaker { __typename name } article { title source } } } } }`,
    variables: (p) => ({ q: p.search }),
  },
];

/**
 * The check every answer must pass: the rows it returned, which a peer must match. For the entity
 * page, the person's quotes and events (each target names those lists its own way).
 */
export function countRows(operation: string, data: unknown): number {
  const d = data as Record<string, { edges?: unknown[]; nodes?: unknown[] } | undefined>;
  const root = Object.values(d ?? {})[0];
  const rows = root?.edges ?? root?.nodes ?? [];
  if (operation === "entityPage") {
    const first = rows[0] as Record<string, unknown> | undefined;
    const person = (first?.node ?? first) as Record<string, unknown> | undefined;
    if (!person) return 0;
    return Object.values(person).reduce<number>((n, value) => {
      const list = value as { edges?: unknown[]; nodes?: unknown[] } | null;
      return n + (list && typeof list === "object" ? (list.edges ?? list.nodes ?? []).length : 0);
    }, 0);
  }
  return rows.length;
}
