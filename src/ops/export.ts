import { stringify } from "csv-stringify/sync";
import type { Store } from "../db/client.js";

export type ExportFormat = "plover" | "csv";

export interface ExportOptions {
  format: ExportFormat;
  /** Events on or after this ISO date (undated events: their first report). */
  from?: string;
  /** Events on or before this ISO date. */
  to?: string;
}

/** One event in PLOVER/POLECAT style: what happened, where, who, and which reports say so. */
export interface PloverEvent {
  id: string;
  event_id: number;
  event_type: string;
  event_mode: string | null;
  event_date: string | null;
  event_status: string;
  title: string;
  location: { name: string; country: string | null; feature_type: string | null; latitude: number | null; longitude: number | null } | null;
  actors: { name: string; actor_type: string; country: string | null; role: string | null }[];
  first_reported: string;
  last_reported: string;
  mention_count: number;
  source_count: number;
  sources: { article_id: number; title: string | null; url: string | null; outlet: string | null; published_at: string | null; evidence: string; sentence: string }[];
}

export const CSV_COLUMNS = [
  "event_id",
  "event_date",
  "event_type",
  "event_mode",
  "event_status",
  "title",
  "place",
  "country",
  "latitude",
  "longitude",
  "actors",
  "mention_count",
  "source_count",
  "outlets",
  "urls",
  "first_reported",
  "last_reported",
  "evidence",
] as const;

const BATCH = 500;

interface EventRow {
  id: number;
  type: string;
  mode: string | null;
  title: string;
  date: string | null;
  status: string;
  first_reported_at: string;
  last_reported_at: string;
  place_name: string | null;
  place_country: string | null;
  place_kind: string | null;
  latitude: number | null;
  longitude: number | null;
}

interface ParticipantRow {
  event_id: number;
  name: string;
  kind: string;
  role: string | null;
  country: string | null;
}

interface MentionRow {
  event_id: number;
  evidence: string;
  sentence: string;
  article_id: number;
  title: string | null;
  url: string | null;
  source: string | null;
  published_at: string | null;
}

const EVENT_DAY = "coalesce(e.date, e.first_reported_at)";

/** Events in date order, read in batches so that big stores export in bounded memory. */
export async function* exportEvents(store: Store, options: Pick<ExportOptions, "from" | "to">): AsyncGenerator<PloverEvent> {
  const ids = await store.rows<{ id: number }>(
    `select e.id from events e
     where ($1::date is null or ${EVENT_DAY} >= $1::date) and ($2::date is null or ${EVENT_DAY} <= $2::date)
     order by ${EVENT_DAY}, e.id`,
    [options.from ?? null, options.to ?? null],
  );
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH).map((row) => Number(row.id));
    const [events, participants, mentions] = await Promise.all([
      store.rows<EventRow>(
        `select e.id, e.type, e.mode, e.title, e.date::text as date, e.status,
                e.first_reported_at::text as first_reported_at, e.last_reported_at::text as last_reported_at,
                p.name as place_name, p.country as place_country, p.place_kind, p.latitude, p.longitude
         from events e left join entities p on p.id = e.place_id
         where e.id = any($1::int[])`,
        [batch],
      ),
      store.rows<ParticipantRow>(
        `select ep.event_id, en.name, en.kind, en.role, en.country
         from event_participants ep join entities en on en.id = ep.entity_id
         where ep.event_id = any($1::int[]) order by en.name`,
        [batch],
      ),
      store.rows<MentionRow>(
        `select m.event_id, m.evidence, m.sentence, a.id as article_id, a.title, a.url, a.source, a.published_at::text as published_at
         from event_mentions m join articles a on a.id = m.article_id
         where m.event_id = any($1::int[]) order by a.published_at nulls last, m.id`,
        [batch],
      ),
    ]);
    const byId = new Map(events.map((row) => [Number(row.id), row]));
    const group = <T extends { event_id: number }>(rows: T[]) => {
      const map = new Map<number, T[]>();
      for (const row of rows) map.set(Number(row.event_id), [...(map.get(Number(row.event_id)) ?? []), row]);
      return map;
    };
    const actorsOf = group(participants);
    const mentionsOf = group(mentions);
    for (const id of batch) {
      const row = byId.get(id);
      if (row) yield toPlover(row, actorsOf.get(id) ?? [], mentionsOf.get(id) ?? []);
    }
  }
}

function toPlover(row: EventRow, actors: ParticipantRow[], mentions: MentionRow[]): PloverEvent {
  const outlets = new Set(mentions.map((m) => m.source ?? `article:${m.article_id}`));
  return {
    id: Buffer.from(`Event:${row.id}`).toString("base64"),
    event_id: Number(row.id),
    event_type: row.type,
    event_mode: row.mode,
    event_date: row.date,
    event_status: row.status,
    title: row.title,
    location: row.place_name
      ? {
          name: row.place_name,
          country: row.place_country,
          feature_type: row.place_kind,
          latitude: row.latitude === null ? null : Number(row.latitude),
          longitude: row.longitude === null ? null : Number(row.longitude),
        }
      : null,
    actors: actors.map((a) => ({ name: a.name, actor_type: a.kind, country: a.country, role: a.role })),
    first_reported: row.first_reported_at,
    last_reported: row.last_reported_at,
    mention_count: mentions.length,
    source_count: outlets.size,
    sources: mentions.map((m) => ({
      article_id: Number(m.article_id),
      title: m.title,
      url: m.url,
      outlet: m.source,
      published_at: m.published_at,
      evidence: m.evidence,
      sentence: m.sentence,
    })),
  };
}

/** One CSV row per event; lists (actors, outlets, urls) are joined with "; ". */
function toCsvRow(event: PloverEvent): Record<(typeof CSV_COLUMNS)[number], string | number | null> {
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].join("; ");
  return {
    event_id: event.event_id,
    event_date: event.event_date,
    event_type: event.event_type,
    event_mode: event.event_mode,
    event_status: event.event_status,
    title: event.title,
    place: event.location?.name ?? null,
    country: event.location?.country ?? null,
    latitude: event.location?.latitude ?? null,
    longitude: event.location?.longitude ?? null,
    actors: unique(event.actors.map((a) => a.name)),
    mention_count: event.mention_count,
    source_count: event.source_count,
    outlets: unique(event.sources.map((s) => s.outlet)),
    urls: unique(event.sources.map((s) => s.url)),
    first_reported: event.first_reported,
    last_reported: event.last_reported,
    evidence: event.sources[0]?.evidence ?? null,
  };
}

/** Writes the events as JSON Lines (plover) or CSV with a header; returns how many. */
export async function writeExport(store: Store, options: ExportOptions, write: (chunk: string) => void | Promise<void>): Promise<number> {
  let count = 0;
  if (options.format === "csv") await write(stringify([[...CSV_COLUMNS]]));
  for await (const event of exportEvents(store, options)) {
    await write(options.format === "csv" ? stringify([toCsvRow(event)], { columns: [...CSV_COLUMNS] }) : JSON.stringify(event) + "\n");
    count++;
  }
  return count;
}
