import { type SQL, and, between, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { Transaction } from "../db/client.js";
import { events } from "../db/schema.js";
import type { EventRecord } from "../extract/types.js";
import { type EventSummary, MATCH_THRESHOLD, eventSimilarity, mergeSummaries } from "./match.js";

/** Advisory lock namespace for merging events of one type. */
const MERGE_LOCK_NAMESPACE = 7_340_003;
// How far apart (days) a stored event's dates and a new report's may be for the two to be compared.
const CANDIDATE_WINDOW_DAYS = 90;
// Enough for every plausible match; bounds the work for very common types.
const MAX_CANDIDATES = 500;

export interface StoredMatch {
  id: number;
  summary: EventSummary;
  date: string | null;
  status: string;
  placeId: number | null;
}

function shiftDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
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
  summary: EventSummary,
  articleDate: string | null,
  placeId: number | null,
  participantIds: number[],
): Promise<StoredMatch | null> {
  const anchor = summary.date ?? articleDate;
  let nearby: SQL | undefined;
  if (anchor) {
    const from = shiftDays(anchor, -CANDIDATE_WINDOW_DAYS);
    const to = shiftDays(anchor, CANDIDATE_WINDOW_DAYS);
    nearby = summary.date
      ? or(eq(events.date, summary.date), and(isNull(events.date), between(events.lastReportedAt, from, to)))
      : or(between(events.date, from, to), and(isNull(events.date), between(events.lastReportedAt, from, to)));
  } else {
    // Neither the event nor its article is dated: compare with events sharing its place or a participant.
    const sharesPlace = placeId !== null ? eq(events.placeId, placeId) : undefined;
    const sharesParticipant =
      participantIds.length > 0
        ? sql`${events.id} in (select event_id from event_participants where entity_id in ${participantIds})`
        : undefined;
    nearby = or(sharesPlace, sharesParticipant);
    if (!nearby) return null;
  }
  const candidates = await tx
    .select({ id: events.id, summary: events.summary, date: events.date, status: events.status, placeId: events.placeId })
    .from(events)
    .where(and(eq(events.type, summary.type), nearby))
    .orderBy(desc(events.id))
    .limit(MAX_CANDIDATES)
    .prepare("match_candidates")
    .execute();
  let best: StoredMatch | null = null;
  let bestScore = MATCH_THRESHOLD - Number.EPSILON;
  // Oldest first, so that ties go to the event reported first whatever the scan order.
  for (const candidate of candidates.reverse()) {
    const score = eventSimilarity(summary, candidate.summary);
    if (score > bestScore) {
      best = candidate;
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
  stored: StoredMatch,
  event: EventRecord,
  summary: EventSummary,
  placeId: number | null,
  publishedAt: string | null,
) {
  const status = mergedStatus(stored.status, event.status);
  await tx
    .update(events)
    .set({
      summary: mergeSummaries(stored.summary, summary),
      date: stored.date ?? event.date,
      placeId: stored.placeId ?? placeId,
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
    .prepare("merge_into_event")
    .execute();
}

