import { createHash } from "node:crypto";
import { type InferInsertModel, type SQLWrapper, eq, getTableColumns, getTableName, or, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database, Transaction } from "../db/client.js";
import { articleEntities, articles, eventMentions, eventParticipants, events, feedEntries, figures, quotes } from "../db/schema.js";
import { extractArticle } from "../extract/index.js";
import type { EventRecord, ExtractedArticle, FigureRecord } from "../extract/types.js";
import { FEED_CHANNEL, FEED_LOCK_KEY } from "../feed/channel.js";
import { type EntityIndex, entityWrites, findStoredEntities, resolveEntities } from "./entities.js";
import { summarizeEvent } from "./match.js";
import { findMatchingEvent, lockEventTypes, mergeIntoEvent, rememberEvent, type SummaryCache, summaryCacheOf } from "./merge.js";
import { IngestError } from "./errors.js";
import { type IngestInput, validateIngestInput } from "./validate.js";

export interface IngestOptions {
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
  /** Runs inside the transaction just before it commits (tests use it to stretch transactions). */
  beforeCommit?: () => Promise<void>;
}

export interface IngestResult {
  articleId: number;
  /** True when the article was already stored (same URL or same text): nothing was written. */
  duplicate: boolean;
  /** Events this article created. */
  addedEventIds: number[];
  /** Stored events this article corroborated or changed. */
  updatedEventIds: number[];
}

/** Identity of a story's text: the same body with other spacing, case or marks hashes the same. */
export function contentHash(body: string): string {
  const normalized = body
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return createHash("sha256").update(normalized).digest("hex");
}

/**
 * Extracts an article and stores it with everything extracted from it in one transaction;
 * the feed hears of its events (NOTIFY) only when that transaction commits.
 */
export async function ingestArticle(db: Database, input: IngestInput, options: IngestOptions = {}): Promise<IngestResult> {
  validateIngestInput(input, options.maxBytes);
  const extracted = extractArticle(input);
  if (extracted.body.trim() === "") throw new IngestError("EMPTY_BODY", "No article text was found in the input.");
  return storeArticle(db, { url: input.url ?? null, source: input.source ?? null }, extracted, options);
}

export interface ArticleOrigin {
  url: string | null;
  source: string | null;
}

/** Stores an extracted article and its records in one transaction (or finds it already stored). */
export async function storeArticle(
  db: Database,
  origin: ArticleOrigin,
  extracted: ExtractedArticle,
  options: Pick<IngestOptions, "beforeCommit"> = {},
): Promise<IngestResult> {
  const hash = contentHash(extracted.body);
  const url = origin.url;

  return db.transaction(async (tx) => {
    const writes = entityWrites(extracted.entities);
    // Statements whose inputs do not wait on each other's results are sent together (postgres.js
    // pipelines them on the transaction's connection; the server runs them in order): one round trip
    // instead of one each. Here: whether the story is stored already, its row unless it is, and the
    // stored entities of its names.
    const [duplicate, [article], stored] = await Promise.all([
      findDuplicate(tx, url, hash),
      insertArticle(tx, {
        url,
        source: origin.source ?? sourceFromUrl(url),
        title: extracted.title,
        publishedAt: extracted.publishedAt,
        body: extracted.body,
        language: extracted.language,
        contentHash: hash,
      }),
      findStoredEntities(tx, writes),
    ]);
    if (duplicate !== undefined) return { articleId: duplicate, duplicate: true, addedEventIds: [], updatedEventIds: [] };
    if (!article) {
      // A concurrent ingest stored the same story first.
      const winner = await findDuplicate(tx, url, hash);
      return { articleId: winner!, duplicate: true, addedEventIds: [], updatedEventIds: [] };
    }

    const { index, updated: entitiesUpdated } = await resolveEntities(tx, writes, stored);
    // Behind the known entities' updates: the article's rows, the locks of its event types and
    // (storeEvents sends it before it waits on anything) the first event's match, behind the locks.
    const [, , { added, updated, mentions, participants }] = await Promise.all([
      entitiesUpdated,
      Promise.all([
        insertRows(tx, articleEntities, index.ids.map((entityId) => ({ articleId: article.id, entityId }))),
        insertRows(
          tx,
          quotes,
          extracted.quotes.map((q) => ({ articleId: article.id, speakerId: index.speakerOf(q.speaker), text: q.text, start: q.start, end: q.end })),
        ),
        insertRows(
          tx,
          figures,
          extracted.figures.map((f) => ({ articleId: article.id, ...figureColumns(f) })),
        ),
        lockEventTypes(tx, extracted.events.map((e) => e.type)),
      ]),
      storeEvents(tx, summaryCacheOf(db), article.id, extracted.publishedAt, extracted.events, index),
    ]);
    await Promise.all([
      insertRows(tx, eventMentions, mentions),
      insertRows(tx, eventParticipants, participants, { onConflictDoNothing: true }),
      appendToFeed(tx, article.id, added, updated),
    ]);
    await options.beforeCommit?.();
    return { articleId: article.id, duplicate: false, addedEventIds: added, updatedEventIds: updated };
  });
}

/** Articles of the same text (content hash) or URL. */
function duplicatesOf(tx: Transaction, url: string | null, hash: string) {
  return tx
    .select({ id: articles.id })
    .from(articles)
    .where(url ? or(eq(articles.contentHash, hash), eq(articles.url, url)) : eq(articles.contentHash, hash))
    .limit(1);
}

async function findDuplicate(tx: Transaction, url: string | null, hash: string): Promise<number | undefined> {
  // Prepared: drizzle's plain execution sends a statement unprepared, which costs postgres.js a second round trip.
  const [row] = await duplicatesOf(tx, url, hash).prepare("find_duplicate").execute();
  return row?.id;
}

/** Inserts an article unless it is a duplicate (then nothing is written and no row returned). */
function insertArticle(tx: Transaction, article: InferInsertModel<typeof articles>) {
  return insertFromJson(tx, articles, [article], duplicatesOf(tx, article.url ?? null, article.contentHash))
    .onConflictDoNothing()
    .returning({ id: articles.id })
    .prepare("insert_article")
    .execute();
}

/**
 * An INSERT of rows (keyed by the table's drizzle column keys) whose text does not depend on how
 * many there are: they travel as one JSON parameter that jsonb_populate_recordset reads as rows of
 * the table, in order, so the statement is prepared once. None is inserted if `unless` finds a row.
 */
function insertFromJson<TTable extends PgTable>(tx: Transaction, table: TTable, rows: InferInsertModel<TTable>[], unless?: SQLWrapper) {
  const columns = getTableColumns(table);
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row as object)))];
  const names = keys.map((key) => columns[key].name);
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(keys.map((key, i) => [names[i], (row as Record<string, unknown>)[key]]))));
  return tx
    .insert(table, ...(keys as never[]))
    .select(
      () =>
        sql`select ${sql.join(names.map((name) => sql.identifier(name)), sql`, `)}
            from jsonb_populate_recordset(null::${table}, ${json}::text::jsonb)
            ${unless ? sql`where not exists (${unless})` : sql``}`,
    );
}

/** Inserts rows with one prepared statement (see insertFromJson); nothing is sent for no rows. */
async function insertRows<TTable extends PgTable>(tx: Transaction, table: TTable, rows: InferInsertModel<TTable>[], options: { onConflictDoNothing?: boolean } = {}) {
  if (rows.length === 0) return;
  const insert = insertFromJson(tx, table, rows);
  await (options.onConflictDoNothing ? insert.onConflictDoNothing() : insert).prepare(`insert_${getTableName(table)}`).execute();
}

/** A figure's stored columns other than its article (the same names in the table and the record). */
export function figureColumns(f: FigureRecord) {
  return { value: f.value, unit: f.unit, measure: f.measure, qualifier: f.qualifier, text: f.text, start: f.start, end: f.end };
}

/** The outlet of an article whose source was not given: its URL's host without "www.". */
export function sourceFromUrl(url: string | null): string | null {
  return url ? new URL(url).hostname.replace(/^www\./, "") : null;
}

/**
 * Stores each extracted event, under the locks of their types (sent before its first query): as
 * a new mention of the stored event it is the same happening as (see merge.ts), or as a new
 * event. Returns the mention and participant rows to write; participants are written here only
 * before a match that looks events up by them.
 */
async function storeEvents(
  tx: Transaction,
  summaries: SummaryCache,
  articleId: number,
  publishedAt: string | null,
  extractedEvents: EventRecord[],
  index: EntityIndex,
) {
  const added: number[] = [];
  const updated: number[] = [];
  const mentions: (typeof eventMentions.$inferInsert)[] = [];
  let participants: (typeof eventParticipants.$inferInsert)[] = [];
  for (const event of extractedEvents) {
    const summary = summarizeEvent(event, publishedAt);
    const placeId = event.place ? (index.find(event.place, ["place"]) ?? null) : null;
    const participantIds = participantIdsOf(event, index);
    if (!(summary.date ?? publishedAt)) {
      // Undated, it is matched through shared participants (see findMatchingEvent), earlier events' too.
      await insertRows(tx, eventParticipants, participants, { onConflictDoNothing: true });
      participants = [];
    }
    const stored = await findMatchingEvent(tx, summaries, summary, publishedAt, placeId, participantIds);
    let eventId: number;
    if (stored) {
      await mergeIntoEvent(tx, summaries, stored, event, summary, placeId, publishedAt);
      eventId = stored.id;
      if (!added.includes(eventId) && !updated.includes(eventId)) updated.push(eventId);
    } else {
      // An undated article reports the event no later than it happened, or else when it was ingested.
      const reportedAt = publishedAt ?? event.date ?? new Date().toISOString().slice(0, 10);
      const [row] = await tx
        .insert(events)
        .values({
          type: event.type,
          mode: event.mode,
          title: event.title,
          date: event.date,
          placeId,
          status: event.status,
          firstReportedAt: reportedAt,
          lastReportedAt: reportedAt,
          summary,
        })
        .returning({ id: events.id, version: events.version })
        .prepare("insert_event")
        .execute();
      eventId = row.id;
      rememberEvent(summaries, row.id, { version: row.version, summary, date: event.date, status: event.status, placeId });
      added.push(eventId);
    }
    mentions.push({ eventId, articleId, evidence: event.text, sentence: event.sentence, start: event.start, end: event.end });
    participants.push(...participantIds.map((entityId) => ({ eventId, entityId })));
  }
  return { added, updated, mentions, participants };
}

function participantIdsOf(event: EventRecord, index: EntityIndex): number[] {
  return [...new Set(event.participants.map((p) => index.find(p)).filter((id) => id !== undefined))];
}

/**
 * Appends the article's event changes to the feed log and notifies listeners, in one statement.
 * The advisory lock in its FROM is taken before any row is formed, so before any `seq` is drawn,
 * and held until commit, so feed rows become visible in `seq` order (see schema.ts). NOTIFY is
 * delivered only if and when the transaction commits, and once however many rows call it.
 */
async function appendToFeed(tx: Transaction, articleId: number, added: number[], updated: number[]) {
  const entries = [
    ...added.map((eventId) => ({ kind: "added", event_id: eventId, article_id: articleId })),
    ...updated.map((eventId) => ({ kind: "updated", event_id: eventId, article_id: articleId })),
  ];
  if (entries.length === 0) return;
  await tx
    .insert(feedEntries, "kind", "eventId", "articleId")
    .select(
      sql`select entry.kind, entry.event_id, entry.article_id
          from pg_advisory_xact_lock(${FEED_LOCK_KEY}) as feed_lock, jsonb_populate_recordset(null::${feedEntries}, ${JSON.stringify(entries)}::text::jsonb) as entry`,
    )
    .returning({ notified: sql`pg_notify(${FEED_CHANNEL}, '')` })
    .prepare("append_to_feed")
    .execute();
}
