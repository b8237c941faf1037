import { createHash } from "node:crypto";
import { eq, or, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.js";
import { articleEntities, articles, eventMentions, eventParticipants, events, feedEntries, figures, quotes } from "../db/schema.js";
import { extractArticle } from "../extract/index.js";
import type { EventRecord, ExtractedArticle } from "../extract/types.js";
import { FEED_CHANNEL, FEED_LOCK_KEY } from "../feed/channel.js";
import { type EntityIndex, resolveEntities } from "./entities.js";
import { summarizeEvent } from "./match.js";
import { findMatchingEvent, lockEventTypes, mergeIntoEvent } from "./merge.js";
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
    const duplicate = await findDuplicate(tx, url, hash);
    if (duplicate !== undefined) return { articleId: duplicate, duplicate: true, addedEventIds: [], updatedEventIds: [] };

    const [article] = await tx
      .insert(articles)
      .values({
        url,
        source: origin.source ?? sourceFromUrl(url),
        title: extracted.title,
        publishedAt: extracted.publishedAt,
        body: extracted.body,
        language: extracted.language,
        contentHash: hash,
      })
      .onConflictDoNothing()
      .returning({ id: articles.id });
    if (!article) {
      // A concurrent ingest stored the same story first.
      const winner = await findDuplicate(tx, url, hash);
      return { articleId: winner!, duplicate: true, addedEventIds: [], updatedEventIds: [] };
    }

    const index = await resolveEntities(tx, extracted.entities);
    if (index.ids.length > 0) {
      await tx.insert(articleEntities).values(index.ids.map((entityId) => ({ articleId: article.id, entityId })));
    }
    await storeQuotesAndFigures(tx, article.id, extracted, index);
    const { added, updated } = await storeEvents(tx, article.id, extracted.publishedAt, extracted.events, index);
    await appendToFeed(tx, article.id, added, updated);
    await options.beforeCommit?.();
    return { articleId: article.id, duplicate: false, addedEventIds: added, updatedEventIds: updated };
  });
}

async function findDuplicate(tx: Transaction, url: string | null, hash: string): Promise<number | undefined> {
  const [row] = await tx
    .select({ id: articles.id })
    .from(articles)
    .where(url ? or(eq(articles.contentHash, hash), eq(articles.url, url)) : eq(articles.contentHash, hash))
    .limit(1);
  return row?.id;
}

/** The outlet of an article whose source was not given: its URL's host without "www.". */
export function sourceFromUrl(url: string | null): string | null {
  return url ? new URL(url).hostname.replace(/^www\./, "") : null;
}

async function storeQuotesAndFigures(tx: Transaction, articleId: number, extracted: ExtractedArticle, index: EntityIndex) {
  if (extracted.quotes.length > 0) {
    await tx.insert(quotes).values(
      extracted.quotes.map((q) => ({
        articleId,
        speakerId: index.speakerOf(q.speaker),
        text: q.text,
        start: q.start,
        end: q.end,
      })),
    );
  }
  if (extracted.figures.length > 0) {
    await tx.insert(figures).values(
      extracted.figures.map((f) => ({
        articleId,
        value: f.value,
        unit: f.unit,
        measure: f.measure,
        qualifier: f.qualifier,
        text: f.text,
        start: f.start,
        end: f.end,
      })),
    );
  }
}

/**
 * Stores each extracted event: as a new mention of the stored event it is the same happening
 * as (see merge.ts), or as a new event.
 */
async function storeEvents(tx: Transaction, articleId: number, publishedAt: string | null, extractedEvents: EventRecord[], index: EntityIndex) {
  const added: number[] = [];
  const updated: number[] = [];
  await lockEventTypes(tx, extractedEvents.map((e) => e.type));
  for (const event of extractedEvents) {
    const summary = summarizeEvent(event, publishedAt);
    const placeId = event.place ? (index.find(event.place, ["place"]) ?? null) : null;
    const participantIds = participantIdsOf(event, index);
    const stored = await findMatchingEvent(tx, summary, publishedAt, placeId, participantIds);
    let eventId: number;
    if (stored) {
      await mergeIntoEvent(tx, stored, event, summary, placeId, publishedAt);
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
        .returning({ id: events.id });
      eventId = row.id;
      added.push(eventId);
    }
    await addMentionAndParticipants(tx, eventId, articleId, event, index);
  }
  return { added, updated };
}

function participantIdsOf(event: EventRecord, index: EntityIndex): number[] {
  return [...new Set(event.participants.map((p) => index.find(p)).filter((id) => id !== undefined))];
}

async function addMentionAndParticipants(tx: Transaction, eventId: number, articleId: number, event: EventRecord, index: EntityIndex) {
  await tx.insert(eventMentions).values({
    eventId,
    articleId,
    evidence: event.text,
    sentence: event.sentence,
    start: event.start,
    end: event.end,
  });
  const participantIds = participantIdsOf(event, index);
  if (participantIds.length > 0) {
    await tx
      .insert(eventParticipants)
      .values(participantIds.map((entityId) => ({ eventId, entityId })))
      .onConflictDoNothing();
  }
}

/**
 * Appends the article's event changes to the feed log and notifies listeners. The advisory
 * lock is held until commit, so feed rows become visible in `seq` order (see schema.ts).
 */
async function appendToFeed(tx: Transaction, articleId: number, added: number[], updated: number[]) {
  const entries = [
    ...added.map((eventId) => ({ kind: "added", eventId, articleId })),
    ...updated.map((eventId) => ({ kind: "updated", eventId, articleId })),
  ];
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${FEED_LOCK_KEY})`);
  await tx.insert(feedEntries).values(entries);
  // NOTIFY is delivered only if and when the transaction commits.
  await tx.execute(sql`select pg_notify(${FEED_CHANNEL}, '')`);
}
