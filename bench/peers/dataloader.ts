// Peer: plain graphql-yoga with hand-written resolvers batched by DataLoader, over the same tables,
// answering the benchmark's operations with the same query texts as Newsgraph (same shapes).
// Run as a child: DATABASE_URL, PORT; sends {cmd:"ready", url} over IPC.
import { createServer } from "node:http";
import DataLoader from "dataloader";
import { createSchema, createYoga } from "graphql-yoga";
import postgres from "postgres";
import { READ_CONNECTIONS } from "../../src/db/client.js";
import { PLOVER_TYPES } from "../../src/extract/types.js";
import { nameKey } from "../../src/ingest/entities.js";

// The same driver as Newsgraph's reads, so the same pool: one connection per core, pipelined.
const sql = postgres(process.env.DATABASE_URL!, { max: READ_CONNECTIONS, onnotice: () => {} });

type Row = Record<string, any>;

const typeDefs = /* GraphQL */ `
  scalar Date
  enum EventType { ${PLOVER_TYPES.join(" ")} }
  interface Entity { id: ID! name: String! }
  type Person implements Entity { id: ID! name: String! role: String
    quotes(first: Int!): QuoteConnection! events(first: Int!): EventConnection! }
  type Place implements Entity { id: ID! name: String! country: String }
  type Organization implements Entity { id: ID! name: String! }
  type Article { id: ID! title: String source: String publishedAt: String }
  type EventMention { evidence: String! article: Article! }
  type EventMentionEdge { node: EventMention! }
  type EventMentionConnection { edges: [EventMentionEdge!]! }
  type Event { id: ID! title: String! type: EventType! date: String status: String! place: Place
    participants: [Entity!]! mentions(first: Int!): EventMentionConnection! }
  type EventEdge { node: Event! }
  type EventConnection { edges: [EventEdge!]! }
  type Quote { id: ID! text: String! speaker: Entity article: Article! }
  type QuoteEdge { node: Quote! }
  type QuoteConnection { edges: [QuoteEdge!]! }
  type PersonEdge { node: Person! }
  type PersonConnection { edges: [PersonEdge!]! }
  type Query {
    events(first: Int!, type: EventType, from: Date, to: Date, place: String): EventConnection!
    people(name: String!, first: Int!): PersonConnection!
    quotes(search: String!, first: Int!): QuoteConnection!
  }
`;

const KIND_TYPE: Record<string, string> = { person: "Person", place: "Place", organization: "Organization" };
const edges = (rows: Row[]) => ({ edges: rows.map((node) => ({ node })) });
const byKey = (rows: Row[], key: string, keys: readonly number[]) => {
  const groups = new Map<number, Row[]>(keys.map((k) => [k, []]));
  for (const r of rows) groups.get(r[key])?.push(r);
  return keys.map((k) => groups.get(k)!);
};

/** Parent ids of "id:first" loader keys, and the page size (one per batch: the operations use one). */
const pageKeys = (keys: readonly string[]) => ({ ids: keys.map((k) => Number(k.split(":")[0])), first: Number(keys[0].split(":")[1]) });

function loaders() {
  return {
    entity: new DataLoader<number, Row | null>(async (ids) => {
      const rows = await sql`select id, kind, name, role, country from entities where id = any(${ids as number[]})`;
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    article: new DataLoader<number, Row | null>(async (ids) => {
      const rows = await sql`select id, title, source, published_at::text as "publishedAt" from articles where id = any(${ids as number[]})`;
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    participants: new DataLoader<number, Row[]>(async (ids) =>
      byKey(await sql`select ep.event_id, e.id, e.kind, e.name from event_participants ep join entities e on e.id = ep.entity_id where ep.event_id = any(${ids as number[]})`, "event_id", ids),
    ),
    // A page per parent: a lateral join reads each parent's first rows through the index that
    // orders them, instead of numbering all of a parent's rows (a person may have thousands of quotes).
    mentions: new DataLoader<string, Row[]>(async (keys) => {
      const { ids, first } = pageKeys(keys);
      const rows = await sql`select x.* from unnest(${ids}::int[]) as k(id) cross join lateral
        (select m.event_id, m.evidence, m.article_id from event_mentions m where m.event_id = k.id order by m.id limit ${first}) x`;
      return byKey(rows, "event_id", ids);
    }),
    quotesBySpeaker: new DataLoader<string, Row[]>(async (keys) => {
      const { ids, first } = pageKeys(keys);
      const rows = await sql`select x.* from unnest(${ids}::int[]) as k(id) cross join lateral
        (select q.id, q.text, q.article_id, q.speaker_id from quotes q where q.speaker_id = k.id order by q.id desc limit ${first}) x`;
      return byKey(rows, "speaker_id", ids);
    }),
    eventsByEntity: new DataLoader<string, Row[]>(async (keys) => {
      const { ids, first } = pageKeys(keys);
      const rows = await sql`select x.* from unnest(${ids}::int[]) as k(id) cross join lateral
        (select ep.entity_id, e.id, e.title, e.type, e.date::text as date from event_participants ep join events e on e.id = ep.event_id
         where ep.entity_id = k.id order by ep.event_id desc limit ${first}) x`;
      return byKey(rows, "entity_id", ids);
    }),
  };
}

type Ctx = ReturnType<typeof loaders>;

const resolvers = {
  Entity: { __resolveType: (e: Row) => KIND_TYPE[e.kind] },
  Query: {
    events: async (_: unknown, a: { first: number; type?: string; from?: string; to?: string; place?: string }) =>
      edges(
        await sql`select id, title, type, date::text as date, status, place_id from events where true
          ${a.type ? sql`and type = ${a.type}` : sql``} ${a.from ? sql`and date >= ${a.from}` : sql``} ${a.to ? sql`and date <= ${a.to}` : sql``}
          ${a.place ? sql`and place_id in (select x.id from entities x where x.alias_keys @> array[${nameKey(a.place)}]::text[] and x.kind = 'place')` : sql``}
          order by id desc limit ${a.first}`,
      ),
    people: async (_: unknown, a: { name: string; first: number }) =>
      edges(
        await sql`select id, kind, name, role from entities where kind = 'person'
          and (alias_keys @> array[${nameKey(a.name)}]::text[] or name ilike ${`%${a.name.replace(/[%_\\]/g, "\\$&")}%`}) order by name limit ${a.first}`,
      ),
    quotes: async (_: unknown, a: { search: string; first: number }) =>
      edges(await sql`select id, text, speaker_id, article_id from quotes where search @@ websearch_to_tsquery('english', ${a.search}) order by id desc limit ${a.first}`),
  },
  Event: {
    status: (e: Row) => e.status.toUpperCase(),
    place: (e: Row, _: unknown, c: Ctx) => (e.place_id ? c.entity.load(e.place_id) : null),
    participants: (e: Row, _: unknown, c: Ctx) => c.participants.load(e.id),
    mentions: async (e: Row, a: { first: number }, c: Ctx) => edges(await c.mentions.load(`${e.id}:${a.first}`)),
  },
  EventMention: { article: (m: Row, _: unknown, c: Ctx) => c.article.load(m.article_id) },
  Person: {
    quotes: async (p: Row, a: { first: number }, c: Ctx) => edges(await c.quotesBySpeaker.load(`${p.id}:${a.first}`)),
    events: async (p: Row, a: { first: number }, c: Ctx) => edges(await c.eventsByEntity.load(`${p.id}:${a.first}`)),
  },
  Quote: {
    article: (q: Row, _: unknown, c: Ctx) => c.article.load(q.article_id),
    speaker: (q: Row, _: unknown, c: Ctx) => (q.speaker_id ? c.entity.load(q.speaker_id) : null),
  },
};

const yoga = createYoga<Record<string, unknown>, Ctx>({
  schema: createSchema<Ctx>({ typeDefs, resolvers }) as never,
  context: () => loaders(),
  graphqlEndpoint: "/graphql",
  graphiql: false,
  landingPage: false,
  logging: false,
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.send!({ cmd: "ready", url: `http://127.0.0.1:${port}/graphql` });
});
process.on("SIGTERM", () => void sql.end({ timeout: 2 }).finally(() => process.exit(0)));
