// Event matching across articles: whether two extracted events are the same real-world
// happening, and clustering a batch of them. Pure functions, no database: the ingest calls
// `eventSimilarity` / `eventsMatch` against stored event summaries, the `extract` CLI calls
// `clusterEvents` on a whole batch.
import { createHash } from "node:crypto";
import { resolveHint } from "../extract/dates.js";
import { datesFittingReport, eventSimilarity, eventsMatch, hintFits, MATCH_THRESHOLD, mergeSummaries, summarizeEvent, type EventSummary } from "../extract/events/compare.js";
import type { EventRecord } from "../extract/types.js";

export { datesFittingReport, eventSimilarity, eventsMatch, MATCH_THRESHOLD, mergeSummaries, summarizeEvent, type EventSummary };

/** One event of a batch: `key` must identify it independently of batch order (e.g. "article#index"). */
export interface BatchEvent {
  key: string;
  /** The article reporting it. */
  article: string;
  event: EventRecord;
  reportedAt: string | null;
}

// Names shared by more events than this (a country in every story) do not suggest a pair worth scoring.
const MAX_BUCKET = 200;

/** Pairs of events worth scoring: same type and sharing a date, place, round or participant. */
function candidatePairs(summaries: EventSummary[]): Array<[number, number]> {
  const buckets = new Map<string, number[]>();
  summaries.forEach((s, i) => {
    const keys = new Set<string>();
    if (s.date) keys.add(`d:${s.date}`);
    if (s.placeName) keys.add(`p:${s.placeName.toLowerCase()}`);
    if (s.placeCountry) keys.add(`c:${s.placeCountry}`);
    if (s.round) keys.add(`r:${s.round}`);
    for (const n of [...s.personNames, ...s.participantNames]) keys.add(`n:${n.toLowerCase()}`);
    for (const k of keys) {
      const bucketKey = `${s.type}|${k}`;
      const bucket = buckets.get(bucketKey);
      if (bucket) bucket.push(i);
      else buckets.set(bucketKey, [i]);
    }
  });
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  const n = summaries.length;
  for (const bucket of buckets.values()) {
    if (bucket.length > MAX_BUCKET) continue;
    for (let x = 0; x < bucket.length; x++) {
      for (let y = x + 1; y < bucket.length; y++) {
        const code = bucket[x] * n + bucket[y];
        if (seen.has(code)) continue;
        seen.add(code);
        pairs.push([bucket[x], bucket[y]]);
      }
    }
  }
  return pairs;
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Cluster ids for a batch of events: events that are the same happening share an id. Pairs are
 * merged best first; two clusters join only if no member of one rules out a member of the
 * other (different dates, places, rounds, people), so a vague mention cannot chain two distinct
 * events together. Ties break on keys, never on input order, so any order gives the same clusters.
 */
export function clusterEvents(items: BatchEvent[]): string[] {
  const summaries = items.map((item) => summarizeEvent(item.event, item.reportedAt));
  const scored = candidatePairs(summaries)
    .map(([a, b]) => ({ a, b, score: eventSimilarity(summaries[a], summaries[b]) }))
    .filter((p) => p.score >= MATCH_THRESHOLD)
    .map((p) => {
      const [ka, kb] = [items[p.a].key, items[p.b].key].sort();
      return { ...p, tie: `${ka}\u0000${kb}` };
    })
    .sort((x, y) => y.score - x.score || (x.tie < y.tie ? -1 : x.tie > y.tie ? 1 : 0));

  const clusterOf = items.map((_, i) => i);
  const members = new Map<number, number[]>(items.map((_, i) => [i, [i]]));
  for (const { a, b } of scored) {
    const ca = clusterOf[a];
    const cb = clusterOf[b];
    if (ca === cb) continue;
    const left = members.get(ca)!;
    const right = members.get(cb)!;
    if (left.some((x) => right.some((y) => eventSimilarity(summaries[x], summaries[y]) === 0))) continue;
    for (const y of right) clusterOf[y] = ca;
    left.push(...right);
    members.delete(cb);
  }

  const ids = new Map<number, string>();
  for (const [root, group] of members) {
    const keys = group.map((i) => items[i].key).sort();
    const merged = group.map((i) => summaries[i]).reduce(mergeSummaries);
    const hash = createHash("sha1").update(keys.join("\n")).digest("hex").slice(0, 8);
    const parts = [merged.type.toLowerCase(), merged.date ?? "undated", merged.placeName ? slug(merged.placeName) : null, hash];
    ids.set(root, parts.filter(Boolean).join("-"));
  }
  return items.map((_, i) => ids.get(clusterOf[i])!);
}

/**
 * Dates for events whose article gives no date to resolve them against ("on Thursday" in an
 * undated story): when such an event is the same happening as dated reports elsewhere in the
 * batch, that date anchors the article, and all its weekday and day-of-month dates resolve
 * against it. Returns the events, dated where the batch allows.
 */
export function resolveDatesAcrossBatch(items: BatchEvent[]): EventRecord[] {
  const ids = clusterEvents(items);
  const clusterDates = new Map<string, string>();
  items.forEach((item, i) => {
    if (item.event.date && !clusterDates.has(ids[i])) clusterDates.set(ids[i], item.event.date);
  });
  const anchors = new Map<string, string>();
  items.forEach((item, i) => {
    const hint = item.event.dateHint;
    const date = clusterDates.get(ids[i]);
    if (item.event.date || !hint || !date || !hintFits(hint, date)) return;
    const current = anchors.get(item.article);
    if (!current || date > current) anchors.set(item.article, date);
  });
  return items.map((item) => {
    const anchor = anchors.get(item.article);
    const hint = item.event.dateHint;
    if (!anchor || !hint || item.event.date) return item.event;
    return { ...item.event, date: resolveHint(hint, anchor, item.event.status === "planned" ? "future" : "past"), dateHint: null };
  });
}
