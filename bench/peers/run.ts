// The peers (PostGraphile v5, yoga + DataLoader) on the same database, data and operation shapes
// as Newsgraph; bench/run.ts measures them interleaved with Newsgraph, at the same concurrency.
import postgres from "postgres";
import { nameKey } from "../../src/ingest/entities.js";
import type { ChildProcess } from "node:child_process";
import { forkReady, freePort, stopChild } from "../lib.js";
import { countRows, NEWSGRAPH_OPERATIONS, type OperationParams } from "../operations.js";

export interface PeerOptions {
  databaseUrl: string;
  params: OperationParams;
  connections: number;
  /** Rows Newsgraph answered per operation: a peer must answer as many. */
  expectedRows: Record<string, number>;
}

/** A running peer: its endpoint and the request body of each operation, as it spells it. */
export interface Peer {
  name: "postgraphile" | "dataloader";
  url: string;
  bodies: Record<string, string>;
  child: ChildProcess;
}

/** Functions PostGraphile exposes as the filtered searches (same predicates as Newsgraph's filters). */
const POSTGRAPHILE_FUNCTIONS = `
create or replace function bench_search_events(event_type text, from_date date, to_date date, place_key text) returns setof events
  language sql stable as $$ select e.* from events e where e.type = event_type and e.date >= from_date and e.date <= to_date
  and e.place_id in (select x.id from entities x where x.alias_keys @> array[place_key] and x.kind = 'place') order by e.id desc $$;
create or replace function bench_search_quotes(q text) returns setof quotes
  language sql stable as $$ select * from quotes where search @@ websearch_to_tsquery('english', q) order by id desc $$;
create or replace function bench_people(person_name text) returns setof entities
  language sql stable as $$ select * from entities where kind = 'person' and (alias_keys @> array[lower(person_name)]
  or name ilike '%' || person_name || '%') order by name $$;
`;

const POSTGRAPHILE_OPERATIONS: Record<string, { query: string; variables: (p: OperationParams) => Record<string, unknown> }> = {
  eventsFeed: {
    query: `query EventsFeed { allEvents(first: 20, orderBy: PRIMARY_KEY_DESC) { nodes { id title type date status
      entityByPlaceId { name country } eventParticipantsByEventId { nodes { entityByEntityId { kind name } } }
      eventMentionsByEventId(first: 3, orderBy: PRIMARY_KEY_ASC) { nodes { evidence articleByArticleId { title source publishedAt } } } } } }`,
    variables: () => ({}),
  },
  entityPage: {
    query: `query EntityPage($name: String!) { benchPeople(personName: $name, first: 1) { nodes { id name role
      quotesBySpeakerId(first: 10, orderBy: PRIMARY_KEY_DESC) { nodes { text articleByArticleId { title publishedAt } } }
      eventParticipantsByEntityId(first: 10, orderBy: PRIMARY_KEY_DESC) { nodes { eventByEventId { title type date } } } } } }`,
    variables: (p) => ({ name: p.person }),
  },
  eventSearch: {
    query: `query EventSearch($type: String!, $from: Date!, $to: Date!, $place: String!) {
      benchSearchEvents(eventType: $type, fromDate: $from, toDate: $to, placeKey: $place, first: 20) { nodes { id title date
      entityByPlaceId { name } eventParticipantsByEventId { nodes { entityByEntityId { kind name } } } } } }`,
    variables: (p) => ({ type: p.type, from: p.from, to: p.to, place: nameKey(p.place) }),
  },
  quoteSearch: {
    query: `query QuoteSearch($q: String!) { benchSearchQuotes(q: $q, first: 20) { nodes { text
      entityBySpeakerId { kind name } articleByArticleId { title source } } } }`,
    variables: (p) => ({ q: p.search }),
  },
};

/**
 * Starts the peers on the benchmark database and checks that each answers every operation with
 * as many rows as Newsgraph. The caller measures them (interleaved with Newsgraph, bench/run.ts)
 * and stops them.
 */
export async function startPeers(o: PeerOptions): Promise<Peer[]> {
  const sql = postgres(o.databaseUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(POSTGRAPHILE_FUNCTIONS);
  await sql.end();
  const modules = {
    postgraphile: { module: "bench/peers/postgraphile.ts", operations: POSTGRAPHILE_OPERATIONS },
    dataloader: { module: "bench/peers/dataloader.ts", operations: Object.fromEntries(NEWSGRAPH_OPERATIONS.map((op) => [op.name, op])) },
  };
  const peers: Peer[] = [];
  try {
    for (const [name, { module, operations }] of Object.entries(modules) as [Peer["name"], (typeof modules)[Peer["name"]]][]) {
      const { child, ready } = await forkReady<{ cmd: string; url: string }>(module, {
        DATABASE_URL: o.databaseUrl,
        PORT: String(await freePort()),
        BENCH_POOL: String(o.connections + 2),
      });
      const peer: Peer = { name, url: ready.url, bodies: {}, child };
      peers.push(peer);
      for (const [operation, op] of Object.entries(operations)) {
        const body = JSON.stringify({ query: op.query, variables: op.variables(o.params) });
        const answer = (await (await fetch(peer.url, { method: "POST", headers: { "content-type": "application/json" }, body })).json()) as { data?: unknown; errors?: unknown };
        if (answer.errors) throw new Error(`${name} ${operation}: ${JSON.stringify(answer.errors).slice(0, 1000)}`);
        const rows = countRows(operation, answer.data);
        if (o.expectedRows[operation] !== rows) throw new Error(`${name} ${operation}: ${rows} rows, Newsgraph ${o.expectedRows[operation]}`);
        peer.bodies[operation] = body;
      }
    }
  } catch (error) {
    await Promise.all(peers.map((p) => stopChild(p.child)));
    throw error;
  }
  return peers;
}
