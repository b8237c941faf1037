import { type SQL, and, between, eq, isNull, or, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.js";
import { events } from "../db/schema.js";
import { addDays } from "../extract/dates.js";
import type { EventRecord } from "../extract/types.js";
import { type EventSummary, MATCH_THRESHOLD, datesFittingReport, eventSimilarity, mergeSummaries } from "./match.js";

/** Advisory lock namespace for merging events of one type. */
const MERGE_LOCK_NAMESPACE = 7_340_003;
// How far apart (days) a stored event's dates and a new report's may be for the two to be compared.
export const CANDIDATE_WINDOW_DAYS = 90;
// Enough for every plausible match; bounds the work for very common types.
export const MAX_CANDIDATES = 500;

// Stored events as last read, by id, with the version of the row they were read from (its
// `version` column: the transaction that last wrote it): the summary that matching scores and
// the columns a merge starts from. The same candidates come back for article after article of a
// type and period, and their rows were most of the bytes and time of a match: an unchanged row is
// scored from here, a changed or unseen one is read. One cache per database, since ids are per
// database.
export const SUMMARY_CACHE_LIMIT = 20_000;
/** A stored event's row as matching and merging need it, as of `version`. */
export interface CachedEvent {
  version: number;
  summary: EventSummary;
  date: string | null;
  status: string;
  placeId: number | null;
}
export type SummaryCache = Map<number, CachedEvent>;
const summaryCaches = new WeakMap<Database, SummaryCache>();

export function summaryCacheOf(db: Database): SummaryCache {
  let cache = summaryCaches.get(db);
  if (!cache) {
    cache = new Map();
    summaryCaches.set(db, cache);
  }
  return cache;
}

/** Records an events row as of its version; also for rows this ingest writes. */
export function rememberEvent(cache: SummaryCache, id: number, row: CachedEvent): void {
  cache.delete(id);
  cache.set(id, row);
  // Oldest first out, in insertion order.
  for (const oldest of cache.keys()) {
    if (cache.size <= SUMMARY_CACHE_LIMIT) break;
    cache.delete(oldest);
  }
}

export interface StoredMatch {
  id: number;
  summary: EventSummary;
  date: string | null;
  status: string;
  placeId: number | null;
}

/**
 * Locks merging for these event types until the transaction ends, so that concurrent reports of
 * one event cannot both create it. All types at once and in one order (one statement takes the
 * locks in the order of its array), so two ingests never wait on each other's locks in a circle.
 */
export async function lockEventTypes(tx: Transaction, types: string[]): Promise<void> {
  const sorted = [...new Set(types)].sort();
  if (sorted.length === 0) return;
  // Prepared: drizzle's plain execution sends a statement unprepared, which costs postgres.js a second round trip.
  await tx
    .select({ locked: sql`pg_advisory_xact_lock(${MERGE_LOCK_NAMESPACE}, hashtext(type))` })
    .from(sql`unnest(${sql.param(sorted)}::text[]) as type`)
    .prepare("lock_event_types")
    .execute();
}

/**
 * The stored event that a newly reported event is the same happening as, if any: the most
 * similar stored event of its type near its date, when similar enough (see match.ts).
 */
export async function findMatchingEvent(
  tx: Transaction,
  cache: SummaryCache,
  summary: EventSummary,
  articleDate: string | null,
  placeId: number | null,
  participantIds: number[],
): Promise<StoredMatch | null> {
  const anchor = summary.date ?? articleDate;
  // Where the candidates are, as arms whose rows never overlap, each answered by an index alone
  // (index-only scans of the events_type_date and events_undated_type_reported indexes, which hold
  // id and version): a bitmap scan of both conditions at once read one heap page per candidate,
  // about 2,000 for a common type, just for their versions (measured: 3-4 ms per query, most of
  // the database's time per ingested article).
  let arms: (SQL | undefined)[];
  if (anchor) {
    const from = addDays(anchor, -CANDIDATE_WINDOW_DAYS);
    const to = addDays(anchor, CANDIDATE_WINDOW_DAYS);
    const undatedNearby = and(isNull(events.date), between(events.lastReportedAt, from, to));
    if (summary.date) {
      arms = [eq(events.date, summary.date), undatedNearby];
    } else {
      // Undated, reported on `anchor`: a dated event can match only within the report's window.
      const fitting = datesFittingReport(anchor, summary.status);
      arms = [between(events.date, fitting.from, fitting.to), undatedNearby];
    }
  } else {
    // Neither the event nor its article is dated: compare with events sharing its place or a participant.
    const sharesPlace = placeId !== null ? eq(events.placeId, placeId) : undefined;
    const sharesParticipant =
      participantIds.length > 0
        ? sql`${events.id} in (select event_id from event_participants where entity_id in ${participantIds})`
        : undefined;
    const nearby = or(sharesPlace, sharesParticipant);
    if (!nearby) return null;
    arms = [nearby];
  }
  // Only ids and versions, newest first, folded into one text: up to MAX_CANDIDATES rows per
  // event came back for every event of every article, and parsing and mapping them as rows cost
  // the ingest more CPU than all the rest of matching (measured: 1.2-1.5 ms against 0.14-0.5 ms
  // per query of 500 candidates).
  const candidateRows = sql`${sql.join(
    arms.map((arm) => sql`select ${events.id}, ${events.version} from ${events} where ${and(eq(events.type, summary.type), arm)}`),
    sql` union all `,
  )} order by 1 desc limit ${MAX_CANDIDATES}`;
  const [{ folded }] = await tx
    .select({ folded: sql<string | null>`string_agg(candidate.id::text || ':' || candidate.version, ',' order by candidate.id desc)` })
    .from(sql`(${candidateRows}) as candidate`)
    .prepare("match_candidates")
    .execute();
  const candidates = (folded ? folded.split(",") : []).map((entry) => {
    const at = entry.indexOf(":");
    return { id: Number(entry.slice(0, at)), version: Number(entry.slice(at + 1)) };
  });
  // The candidates' rows: from the cache where their version is current, read otherwise. Held
  // here, since remembering the rows read may evict cached candidates from the shared cache.
  const rows = new Map<number, CachedEvent>();
  const unknown: number[] = [];
  for (const candidate of candidates) {
    const cached = cache.get(candidate.id);
    if (cached?.version === candidate.version) rows.set(candidate.id, cached);
    else unknown.push(candidate.id);
  }
  if (unknown.length > 0) {
    const read = await tx
      .select({ id: events.id, version: events.version, summary: events.summary, date: events.date, status: events.status, placeId: events.placeId })
      .from(events)
      .where(sql`${events.id} = any(${sql.param(unknown)}::int[])`)
      .prepare("match_summaries")
      .execute();
    for (const { id, ...row } of read) {
      rows.set(id, row);
      rememberEvent(cache, id, row);
    }
  }
  let best: StoredMatch | null = null;
  let bestScore = MATCH_THRESHOLD - Number.EPSILON;
  // Oldest first, so that ties go to the event reported first whatever the scan order.
  for (const candidate of candidates.reverse()) {
    // Missing only if another transaction deleted it between the two reads.
    const stored = rows.get(candidate.id);
    if (!stored) continue;
    const score = eventSimilarity(summary, stored.summary);
    if (score > bestScore) {
      best = { id: candidate.id, summary: stored.summary, date: stored.date, status: stored.status, placeId: stored.placeId };
      bestScore = score;
    }
  }
  return best;
}

/** Whether a new report changes a stored event's status: what was planned or under way has now happened. */
function mergedStatus(stored: string, reported: EventRecord["status"]): string {
  return reported === "occurred" && stored !== "occurred" ? "occurred" : stored;
}

/**
 * Folds a new report into a stored event: unknown date and place become known, status advances
 * (and the title follows the report that says it happened). An undated report leaves the report dates.
 */
export async function mergeIntoEvent(
  tx: Transaction,
  cache: SummaryCache,
  stored: StoredMatch,
  event: EventRecord,
  summary: EventSummary,
  placeId: number | null,
  publishedAt: string | null,
) {
  const status = mergedStatus(stored.status, event.status);
  const merged = mergeSummaries(stored.summary, summary);
  const date = stored.date ?? event.date;
  const mergedPlaceId = stored.placeId ?? placeId;
  const [row] = await tx
    .update(events)
    .set({
      summary: merged,
      date,
      placeId: mergedPlaceId,
      status,
      ...(status !== stored.status ? { title: event.title } : {}),
      ...(publishedAt
        ? {
            firstReportedAt: sql`least(${events.firstReportedAt}, ${publishedAt}::date)`,
            lastReportedAt: sql`greatest(${events.lastReportedAt}, ${publishedAt}::date)`,
          }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(events.id, stored.id))
    .returning({ version: events.version })
    .prepare("merge_into_event")
    .execute();
  rememberEvent(cache, stored.id, { version: row.version, summary: merged, date, status, placeId: mergedPlaceId });
}

