// Whether two event descriptions can be the same real-world happening, and how strongly the
// evidence says so. Shared by the per-article merge (events.ts) and the cross-article
// matching and clustering (src/ingest/match.ts).
import { addDays, daysBetween, parseIso } from "../dates.js";
import type { DateHint, EventRecord, EventStatus, PloverType } from "../types.js";

/** What matching needs to know about an event, whether just extracted or stored. */
export interface EventSummary {
  type: PloverType;
  /** Finer kind within the type (lexicon sense: meeting, phone, ceasefire, sanction, exit...). */
  sense: string | null;
  mode: string | null;
  /** Ordinal of a round of talks ("3"), or a series of rounds ("x3"). */
  round: string | null;
  date: string | null;
  /** What the report says of an unresolved date (a weekday, a day of a month). */
  dateHint: DateHint | null;
  status: EventStatus;
  placeName: string | null;
  /** ISO country of the place when known, to tell a city from the country it is in. */
  placeCountry: string | null;
  placeIsCountry: boolean;
  /** Every place named around the event (a ceasefire in four cities names four). */
  locationNames: string[];
  /** People taking part (canonical names). */
  personNames: string[];
  /** Organizations and countries taking part (canonical names). */
  participantNames: string[];
  /** Publication dates of the reports, for events that give no date of their own. */
  firstReportedAt: string | null;
  lastReportedAt: string | null;
}

// How far from its reports an undated event may lie, by status.
const WINDOW_DAYS: Record<EventStatus, { before: number; after: number }> = {
  occurred: { before: 10, after: 1 },
  planned: { before: 1, after: 60 },
  ongoing: { before: 60, after: 30 },
};
// Two undated reports further apart than this describe different happenings.
const UNDATED_SPAN_DAYS: Record<EventStatus, number> = { occurred: 10, planned: 30, ongoing: 60 };

// A match needs a shared date, place, round or person; shared countries alone are not enough.
export const MATCH_THRESHOLD = 2;

const LOWERED = Symbol("lowered names");

/**
 * The names in lower case, as a set kept on the list itself (under a symbol, not enumerable): on
 * ingest a new event is compared with up to MAX_CANDIDATES stored ones, whose summaries are
 * cached, and building six sets per comparison was a third of its time. A summary's lists are
 * never changed once made (merging builds new ones).
 */
function lower(names: string[]): Set<string> {
  const list = names as string[] & { [LOWERED]?: Set<string> };
  let set = list[LOWERED];
  if (!set) {
    set = new Set(names.map((n) => n.toLowerCase()));
    // Not enumerable: the list still equals (and copies as) the plain list of names.
    Object.defineProperty(list, LOWERED, { value: set });
  }
  return set;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared;
}

/** Whether a date fits what a report said of it (its weekday, or its day of the month). */
export function hintFits(hint: DateHint, date: string): boolean {
  const d = parseIso(date);
  if (hint.month !== null && hint.day !== null) return d.getUTCMonth() + 1 === hint.month && d.getUTCDate() === hint.day;
  return hint.weekday === null || d.getUTCDay() === hint.weekday;
}

function hintsAgree(a: DateHint, b: DateHint): boolean {
  if (a.month !== null && b.month !== null) return a.month === b.month && a.day === b.day;
  return a.weekday === null || b.weekday === null || a.weekday === b.weekday;
}

/**
 * The dates on which an undated event of this status, reported on `reportedAt`, may have happened:
 * a dated event outside them scores 0 against it (dateFitsReports), so a search for its matches
 * need not look further.
 */
export function datesFittingReport(reportedAt: string, status: EventStatus): { from: string; to: string } {
  const window = WINDOW_DAYS[status];
  return { from: addDays(reportedAt, -window.before), to: addDays(reportedAt, window.after) };
}

/** Whether an undated event reported between `first` and `last` may have happened on `date`. */
function dateFitsReports(date: string, status: EventStatus, first: string | null, last: string | null): boolean {
  if (!first || !last) return true;
  const window = WINDOW_DAYS[status];
  return daysBetween(date, first) <= window.before && daysBetween(last, date) <= window.after;
}

function placesAgree(a: EventSummary, b: EventSummary): "same" | "nested" | "unknown" | "different" {
  if (!a.placeName || !b.placeName) return "unknown";
  if (a.placeName.toLowerCase() === b.placeName.toLowerCase()) return "same";
  // A city and the country it lies in name the same place at two scales.
  if (a.placeCountry && a.placeCountry === b.placeCountry && (a.placeIsCountry || b.placeIsCountry)) return "nested";
  return "different";
}

/**
 * Similarity of two events: 0 when they cannot be the same happening (different type, sense,
 * round, date or place; different people acting), otherwise the weight of the evidence that
 * they are (same date, place, rounds, shared participants). Symmetric.
 */
export function eventSimilarity(a: EventSummary, b: EventSummary): number {
  if (a.type !== b.type) return 0;
  if (a.sense && b.sense && a.sense !== b.sense) return 0;
  if (a.round && b.round && a.round !== b.round) return 0;
  let score = 0;
  if (a.date && b.date) {
    if (a.date !== b.date) return 0;
    score += 3;
  } else if (a.date || b.date) {
    const [dated, undated] = a.date ? [a, b] : [b, a];
    if (!dateFitsReports(dated.date!, undated.status, undated.firstReportedAt, undated.lastReportedAt)) return 0;
    if (undated.dateHint) {
      if (!hintFits(undated.dateHint, dated.date!)) return 0;
      score += 2;
    }
  } else if (a.dateHint && b.dateHint) {
    if (!hintsAgree(a.dateHint, b.dateHint)) return 0;
    score += 2;
  } else if (a.firstReportedAt && b.firstReportedAt) {
    const span = Math.max(Math.abs(daysBetween(a.firstReportedAt, b.lastReportedAt!)), Math.abs(daysBetween(b.firstReportedAt, a.lastReportedAt!)));
    if (span > Math.max(UNDATED_SPAN_DAYS[a.status], UNDATED_SPAN_DAYS[b.status])) return 0;
  }
  const places = placesAgree(a, b);
  if (places === "different") return 0;
  if (places === "same") score += 2;
  if (places === "nested") score += 1;

  const locationsA = lower(a.locationNames);
  const locationsB = lower(b.locationNames);
  if (locationsA.size > 1 && locationsB.size > 1) {
    const shared = overlap(locationsA, locationsB);
    // Neither list contains the other: two different sets of places.
    if (shared < Math.min(locationsA.size, locationsB.size)) return 0;
    score += 1;
  }

  const peopleA = lower(a.personNames);
  const peopleB = lower(b.personNames);
  const sharedPeople = overlap(peopleA, peopleB);
  // Different people doing the same kind of thing are likely different happenings, unless
  // the date, place or round say otherwise (reports quote different officials).
  if (peopleA.size > 0 && peopleB.size > 0 && sharedPeople === 0) score -= 2;
  score += Math.min(3, sharedPeople * 1.5);
  const sharedParties = overlap(lower(a.participantNames), lower(b.participantNames));
  score += Math.min(1, sharedParties * 0.5);
  if (a.round && a.round === b.round) score += 2;
  if (a.sense && a.sense === b.sense) score += 0.5;
  // Never 0: that is reserved for "cannot be the same happening".
  return Math.max(score, Number.EPSILON);
}

/** Whether two events are, on the evidence, the same real-world happening. */
export function eventsMatch(a: EventSummary, b: EventSummary): boolean {
  return eventSimilarity(a, b) >= MATCH_THRESHOLD;
}

/** The summary of two matched events taken together: known fields win over unknown ones. */
export function mergeSummaries(a: EventSummary, b: EventSummary): EventSummary {
  const union = (x: string[], y: string[]) => [...new Map([...x, ...y].map((n) => [n.toLowerCase(), n])).values()];
  const earliest = (x: string | null, y: string | null) => (x && y ? (x < y ? x : y) : (x ?? y));
  const latest = (x: string | null, y: string | null) => (x && y ? (x > y ? x : y) : (x ?? y));
  const finerPlace = !a.placeName || (a.placeIsCountry && b.placeName && !b.placeIsCountry) ? b : a;
  return {
    type: a.type,
    sense: a.sense ?? b.sense,
    mode: a.mode ?? b.mode,
    round: a.round ?? b.round,
    date: a.date ?? b.date,
    dateHint: a.date ?? b.date ? null : (a.dateHint ?? b.dateHint),
    status: a.status,
    placeName: finerPlace.placeName,
    placeCountry: finerPlace.placeCountry,
    placeIsCountry: finerPlace.placeIsCountry,
    locationNames: union(a.locationNames, b.locationNames),
    personNames: union(a.personNames, b.personNames),
    participantNames: union(a.participantNames, b.participantNames),
    firstReportedAt: earliest(a.firstReportedAt, b.firstReportedAt),
    lastReportedAt: latest(a.lastReportedAt, b.lastReportedAt),
  };
}

/** The matching summary of an extracted event reported in an article published at `reportedAt` (ISO or null). */
export function summarizeEvent(event: EventRecord, reportedAt: string | null): EventSummary {
  const people = new Set(event.people ?? []);
  return {
    type: event.type,
    sense: event.sense ?? null,
    mode: event.mode,
    round: event.round ?? null,
    date: event.date,
    dateHint: event.dateHint ?? null,
    status: event.status,
    placeName: event.place,
    placeCountry: event.placeCountry ?? null,
    placeIsCountry: event.placeKind === "country",
    // A copy: the summary's lists must not change with the event's (see lower()).
    locationNames: [...(event.locations ?? [])],
    personNames: [...people],
    participantNames: event.participants.filter((p) => !people.has(p)),
    firstReportedAt: reportedAt,
    lastReportedAt: reportedAt,
  };
}
