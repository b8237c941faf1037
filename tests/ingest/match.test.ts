import { describe, expect, it } from "vitest";
import type { EntityMention } from "../../src/extract/entities.js";
import { detectEvents } from "../../src/extract/events.js";
import { splitSentences } from "../../src/extract/sentences.js";
import type { EventRecord } from "../../src/extract/types.js";
import { addDays, daysBetween } from "../../src/extract/dates.js";
import { clusterEvents, datesFittingReport, eventSimilarity, eventsMatch, resolveDatesAcrossBatch, summarizeEvent, type BatchEvent, type EventSummary } from "../../src/ingest/match.js";

const NOW = new Date("2030-06-01T12:00:00Z");
const PEOPLE = ["Anna Berg", "Tomas Lind", "Carla Ruiz", "Piet Vos"];
const PLACES = ["Westport", "Eastvale"];

function mentionsIn(body: string): EntityMention[] {
  const found: EntityMention[] = [];
  for (const name of [...PEOPLE, ...PLACES]) {
    const kind = PEOPLE.includes(name) ? "person" : "place";
    for (const form of [name, name.split(" ").at(-1)!]) {
      for (const m of body.matchAll(new RegExp(`\\b${form}\\b`, "g"))) {
        if (found.some((f) => m.index < f.end && f.start < m.index + form.length)) continue;
        found.push({ start: m.index, end: m.index + form.length, kind, name, via: "name" });
      }
    }
  }
  return found;
}

/** Extracts the events of one short article. */
function article(name: string, body: string, publishedAt: string | null): BatchEvent[] {
  const events = detectEvents({ body, sentences: splitSentences(body), mentions: mentionsIn(body), publishedAt, now: NOW });
  return events.map((event, i) => ({ key: `${name}#${i}`, article: name, event, reportedAt: publishedAt }));
}

function consult(overrides: Partial<EventRecord>): EventRecord {
  return {
    start: 0, end: 1, type: "CONSULT", mode: null, date: null, place: null, participants: [], status: "occurred",
    title: "", text: "", sentence: "", sense: "meeting", ...overrides,
  };
}

describe("eventsMatch", () => {
  const stored = (overrides: Partial<EventSummary>): EventSummary => ({
    ...summarizeEvent(consult({ date: "2019-06-06", place: "Westport", participants: ["Anna Berg", "Tomas Lind"], people: ["Anna Berg", "Tomas Lind"] }), "2019-06-04"),
    ...overrides,
  });

  it("matches a report of a meeting with its announcement", () => {
    const report = summarizeEvent(consult({ date: "2019-06-06", participants: ["Tomas Lind", "Anna Berg"], people: ["Tomas Lind", "Anna Berg"] }), "2019-06-07");
    expect(eventsMatch(stored({ status: "planned" }), report)).toBe(true);
  });

  it("keeps events of different types, dates or places apart", () => {
    const base = summarizeEvent(consult({ date: "2019-06-06", place: "Westport", participants: ["Anna Berg"], people: ["Anna Berg"] }), "2019-06-07");
    expect(eventsMatch(stored({}), { ...base, type: "AGREE" })).toBe(false);
    expect(eventsMatch(stored({}), { ...base, date: "2019-06-27" })).toBe(false);
    expect(eventsMatch(stored({}), { ...base, placeName: "Eastvale" })).toBe(false);
  });

  it("lets an undated report match only within the window around its publication", () => {
    const undated = summarizeEvent(consult({ participants: ["Anna Berg"], people: ["Anna Berg"] }), "2019-06-08");
    expect(eventsMatch(stored({}), undated)).toBe(true);
    expect(eventsMatch(stored({}), { ...undated, firstReportedAt: "2019-08-01", lastReportedAt: "2019-08-01" })).toBe(false);
  });

  it("scores a summary by its names as they were made, even after the event's own lists grow", () => {
    const event = consult({ date: "2019-06-06", participants: ["Anna Berg"], people: ["Anna Berg"], locations: ["Westport", "Eastvale"] });
    const summary = summarizeEvent(event, "2019-06-06");
    const other = summarizeEvent(consult({ date: "2019-06-06", participants: ["Anna Berg"], people: ["Anna Berg"], locations: ["Westport", "Eastvale", "Northby"] }), "2019-06-06");
    const before = eventSimilarity(summary, other);
    expect(before).toBeGreaterThan(0);
    // Merging reports into an event grows its lists in place (the per-article merge does).
    event.locations!.push("Southby");
    expect(summary.locationNames).toEqual(["Westport", "Eastvale"]);
    expect(eventSimilarity(summary, other)).toBe(before);
    expect(eventSimilarity(summarizeEvent(event, "2019-06-06"), other)).toBe(0);
  });

  it("counts days between ISO dates as calendar arithmetic does, across leap years and centuries", () => {
    for (const [a, b] of [["1899-12-31", "1900-03-01"], ["1999-02-28", "2000-03-01"], ["2024-02-28", "2024-03-01"], ["2100-02-28", "2100-03-01"], ["2022-03-10", "2019-06-06"]]) {
      expect(daysBetween(a, b)).toBe(Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000));
    }
  });

  it("needs more than a shared country to match", () => {
    const a = summarizeEvent(consult({ type: "REQUEST", sense: "demand", participants: ["Norland"] }), "2019-06-05");
    const b = summarizeEvent(consult({ type: "REQUEST", sense: "demand", participants: ["Norland"] }), "2019-06-05");
    expect(eventsMatch(a, b)).toBe(false);
  });
});

describe("clusterEvents", () => {
  const announcement = article("a", "Anna Berg and Tomas Lind will meet in Westport on Thursday.", "2019-06-04");
  const preview = article("b", "Anna Berg is set to meet Tomas Lind on June 6 to discuss the border.", "2019-06-05");
  const report = article("c", "Anna Berg met Tomas Lind in Westport on Thursday, officials said.", "2019-06-07");
  const firstCall = article("d", "Carla Ruiz and Piet Vos held a phone call on Monday.", "2019-06-04");
  const secondCall = article("e", "Carla Ruiz and Piet Vos held a phone call on Monday.", "2019-06-25");

  it("puts a planned meeting and its later report in one cluster", () => {
    const batch = [...announcement, ...preview, ...report];
    expect(batch).toHaveLength(3);
    expect(new Set(clusterEvents(batch)).size).toBe(1);
  });

  it("keeps two calls between the same people three weeks apart apart", () => {
    const batch = [...firstCall, ...secondCall];
    expect(batch.map((b) => b.event.date)).toEqual(["2019-06-03", "2019-06-24"]);
    expect(new Set(clusterEvents(batch)).size).toBe(2);
  });

  it("gives the same clusters whatever the order of the batch", () => {
    const batch = [...announcement, ...firstCall, ...report, ...secondCall, ...preview];
    const byKey = (items: BatchEvent[]) => {
      const ids = clusterEvents(items);
      return Object.fromEntries(items.map((item, i) => [item.key, ids[i]]));
    };
    expect(byKey([...batch].reverse())).toEqual(byKey(batch));
    expect(byKey([batch[2], batch[4], batch[0], batch[3], batch[1]])).toEqual(byKey(batch));
  });

  it("does not let a vague mention chain two different events together", () => {
    const vague = article("f", "Carla Ruiz and Piet Vos held a phone call, aides said.", "2019-06-14");
    const ids = clusterEvents([...firstCall, ...vague, ...secondCall]);
    expect(ids[0]).not.toBe(ids[2]);
  });
});

describe("resolveDatesAcrossBatch", () => {
  it("dates an undated article's weekday from a matching dated report", () => {
    const undated = article("u", "Anna Berg met Tomas Lind in Westport on Thursday. On Wednesday, Carla Ruiz accused Eastvale officials of fraud.", null);
    const dated = article("d", "Anna Berg and Tomas Lind will meet in Westport on Thursday, June 6.", "2019-06-04");
    const events = resolveDatesAcrossBatch([...undated, ...dated]);
    expect(events.map((e) => e.date)).toEqual(["2019-06-06", "2019-06-05", "2019-06-06"]);
  });
});

describe("datesFittingReport", () => {
  // The ingest reads only dated events inside this window as candidates for an undated report:
  // the window must hold every date that can match, and no more than those.
  it("holds exactly the dates on which a dated event can match an undated report", () => {
    const reportedAt = "2030-03-01";
    for (const status of ["occurred", "planned", "ongoing"] as const) {
      const undated = summarizeEvent(consult({ status, place: "Westport" }), reportedAt);
      const window = datesFittingReport(reportedAt, status);
      for (let offset = -120; offset <= 120; offset++) {
        const date = addDays(reportedAt, offset);
        const dated = summarizeEvent(consult({ date, place: "Westport" }), date);
        const inside = date >= window.from && date <= window.to;
        expect(eventSimilarity(undated, dated) > 0, `${status} reported ${reportedAt}, event on ${date}`).toBe(inside);
      }
    }
  });
});
