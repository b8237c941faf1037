import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { EventSummary } from "../extract/events/compare.js";

/** PostgreSQL full-text vector; only ever written by generated columns. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: "string" }).notNull().defaultNow();

export const articles = pgTable(
  "articles",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    url: text("url"),
    source: text("source"),
    title: text("title"),
    publishedAt: date("published_at", { mode: "string" }),
    body: text("body").notNull(),
    language: text("language").notNull().default("en"),
    /** sha256 of the normalised body: the same story ingested twice is one row. */
    contentHash: text("content_hash").notNull(),
    ingestedAt: timestampColumn("ingested_at"),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('english', coalesce(title, '') || ' ' || body)`,
    ),
  },
  (t) => [
    uniqueIndex("articles_content_hash_key").on(t.contentHash),
    uniqueIndex("articles_url_key").on(t.url),
    index("articles_published_at_idx").on(t.publishedAt),
    index("articles_search_idx").using("gin", t.search),
  ],
);

export const entities = pgTable(
  "entities",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** person | place | organization */
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    /** Folded canonical name: the identity of an entity within its kind. */
    nameKey: text("name_key").notNull(),
    aliases: text("aliases").array().notNull().default(sql`'{}'::text[]`),
    /** Folded name and aliases, for alias lookups ("Kiev" finds Kyiv). */
    aliasKeys: text("alias_keys").array().notNull().default(sql`'{}'::text[]`),
    role: text("role"),
    /** ISO 3166-1 alpha-2 (places). */
    country: text("country"),
    /** city | region | country | other (places). */
    placeKind: text("place_kind"),
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    createdAt: timestampColumn("created_at"),
  },
  (t) => [
    uniqueIndex("entities_kind_name_key_key").on(t.kind, t.nameKey),
    index("entities_alias_keys_idx").using("gin", t.aliasKeys),
    // Part-of-name searches (ilike '%…%'); the extension comes from an earlier migration.
    index("entities_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

export const events = pgTable(
  "events",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** PLOVER event type (CONSULT, AGREE, ...). */
    type: text("type").notNull(),
    mode: text("mode"),
    title: text("title").notNull(),
    date: date("date", { mode: "string" }),
    placeId: integer("place_id").references(() => entities.id),
    /** occurred | planned | ongoing */
    status: text("status").notNull(),
    /** Earliest and latest date of the reports (article date, else ingest date). */
    firstReportedAt: date("first_reported_at", { mode: "string" }).notNull(),
    lastReportedAt: date("last_reported_at", { mode: "string" }).notNull(),
    /** What merging compares a new report with: every report's details taken together. */
    summary: jsonb("summary").$type<EventSummary>().notNull(),
    createdAt: timestampColumn("created_at"),
    updatedAt: timestampColumn("updated_at"),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', title)`),
    /**
     * The transaction that last wrote the row (txid_current(), set on insert and by a trigger on
     * every update, so whatever the writer): the ingest's cache of stored events checks it (see
     * merge.ts). Unlike a counter, never repeated by a later write after a rolled-back one.
     */
    version: bigint("version", { mode: "number" })
      .notNull()
      .default(sql`txid_current()`),
  },
  (t) => [
    // Matching reads its candidates' ids and versions from these alone (index-only scans):
    // events of a type on or near a date, and undated ones by their latest report.
    index("events_type_date_idx").on(t.type, t.date, t.id, t.version),
    index("events_date_idx").on(t.date),
    index("events_undated_type_reported_idx").on(t.type, t.lastReportedAt, t.id, t.version).where(sql`${t.date} is null`),
    index("events_place_id_id_idx").on(t.placeId, t.id),
    index("events_search_idx").using("gin", t.search),
  ],
);

export const eventMentions = pgTable(
  "event_mentions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    /** Verbatim evidence: articles.body[start:end]. */
    evidence: text("evidence").notNull(),
    sentence: text("sentence").notNull(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', sentence)`),
  },
  (t) => [
    index("event_mentions_event_id_id_idx").on(t.eventId, t.id),
    index("event_mentions_article_id_id_idx").on(t.articleId, t.id),
    index("event_mentions_search_idx").using("gin", t.search),
  ],
);

export const eventParticipants = pgTable(
  "event_participants",
  {
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    entityId: integer("entity_id")
      .notNull()
      .references(() => entities.id),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.entityId] }),
    index("event_participants_entity_id_event_id_idx").on(t.entityId, t.eventId),
  ],
);

/** Which entities an article names: the provenance of an entity. */
export const articleEntities = pgTable(
  "article_entities",
  {
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    entityId: integer("entity_id")
      .notNull()
      .references(() => entities.id),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.entityId] }),
    index("article_entities_entity_id_article_id_idx").on(t.entityId, t.articleId),
  ],
);

export const quotes = pgTable(
  "quotes",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    speakerId: integer("speaker_id").references(() => entities.id),
    text: text("text").notNull(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', text)`),
  },
  (t) => [
    index("quotes_article_id_start_idx").on(t.articleId, t.start),
    index("quotes_speaker_id_id_idx").on(t.speakerId, t.id),
    index("quotes_search_idx").using("gin", t.search),
  ],
);

export const figures = pgTable(
  "figures",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    value: doublePrecision("value").notNull(),
    unit: text("unit").notNull(),
    measure: text("measure").notNull(),
    qualifier: text("qualifier"),
    text: text("text").notNull(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
  },
  (t) => [
    index("figures_article_id_start_idx").on(t.articleId, t.start),
    index("figures_measure_idx").on(t.measure),
    index("figures_unit_idx").on(t.unit),
  ],
);

/**
 * The live feed's log: one row per event added or updated, numbered in commit order.
 * Ingest takes a transaction-scoped advisory lock before appending, so a row's `seq`
 * is visible only after every smaller `seq` is: a resuming reader never skips one.
 */
export const feedEntries = pgTable(
  "feed_entries",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** added | updated */
    kind: text("kind").notNull(),
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    articleId: integer("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    createdAt: timestampColumn("created_at"),
  },
  (t) => [index("feed_entries_event_id_idx").on(t.eventId), index("feed_entries_article_id_idx").on(t.articleId)],
);
