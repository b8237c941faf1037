import { describe, expect, it } from "vitest";
import type { EntityMention } from "../../src/extract/entities.js";
import { detectEvents } from "../../src/extract/events.js";
import { splitSentences } from "../../src/extract/sentences.js";
import type { PlaceRecord } from "../../src/extract/types.js";

const NOW = new Date("2030-06-01T12:00:00Z");

type Known = { name: string; kind: EntityMention["kind"]; forms: string[] };
const KNOWN: Known[] = [
  { name: "Anna Berg", kind: "person", forms: ["Anna Berg", "Berg"] },
  { name: "Tomas Lind", kind: "person", forms: ["Tomas Lind", "Lind"] },
  { name: "Carla Ruiz", kind: "person", forms: ["Carla Ruiz", "Ruiz"] },
  { name: "Norland", kind: "place", forms: ["Norland"] },
  { name: "Sudmark", kind: "place", forms: ["Sudmark"] },
  { name: "Westport", kind: "place", forms: ["Westport"] },
  { name: "Eastvale", kind: "place", forms: ["Eastvale"] },
  { name: "Harbour Union", kind: "organization", forms: ["Harbour Union"] },
];
const PLACES: PlaceRecord[] = [
  { name: "Norland", aliases: [], kind: "country", country: "NL", latitude: null, longitude: null },
  { name: "Sudmark", aliases: [], kind: "country", country: "SM", latitude: null, longitude: null },
  { name: "Westport", aliases: [], kind: "city", country: "NL", latitude: null, longitude: null },
  { name: "Eastvale", aliases: [], kind: "city", country: "SM", latitude: null, longitude: null },
];

/** Mentions of the invented names above, as the entity extractor would give them. */
function mentionsIn(body: string): EntityMention[] {
  const found: EntityMention[] = [];
  for (const known of KNOWN) {
    for (const form of [...known.forms].sort((a, b) => b.length - a.length)) {
      for (const m of body.matchAll(new RegExp(`\\b${form}\\b`, "g"))) {
        if (found.some((f) => m.index < f.end && f.start < m.index + form.length)) continue;
        found.push({ start: m.index, end: m.index + form.length, kind: known.kind, name: known.name, via: "name" });
      }
    }
  }
  return found;
}

function detect(body: string, publishedAt: string | null = "2019-06-05") {
  return detectEvents({ body, sentences: splitSentences(body), mentions: mentionsIn(body), publishedAt, places: PLACES, now: NOW });
}

describe("detectEvents: typing", () => {
  it.each([
    ["Anna Berg met Tomas Lind in Westport on Monday.", "CONSULT"],
    ["Norland and Sudmark agreed to a truce that took effect on Sunday.", "RETREAT"],
    ["Sudmark imposed sanctions on Norland on Tuesday.", "SANCTION"],
    ["Police arrested Carla Ruiz in Eastvale on Monday.", "COERCE"],
    ["Thousands of protesters marched against the new tax in Westport.", "PROTEST"],
    ["Anna Berg urged Sudmark to free the prisoners.", "REQUEST"],
    ["Tomas Lind accused Norland of breaking the deal.", "ACCUSE"],
    ["Sudmark rejected the proposal on Monday.", "REJECT"],
    ["An earthquake struck Eastvale on Monday.", "DISASTER"],
    ["Norland sent aid to Eastvale after the storm.", "AID"],
    ["Sudmark shelled Westport overnight, officials said.", "ASSAULT"],
  ])("%s -> %s", (body, type) => {
    expect(detect(body).map((e) => e.type)).toContain(type);
  });

  it("keeps the phone mode for calls", () => {
    const [call] = detect("Anna Berg and Tomas Lind held a phone call on Monday.");
    expect(call).toMatchObject({ type: "CONSULT", mode: "phone", date: "2019-06-03" });
  });

  it("turns a refused meeting into a rejection", () => {
    const events = detect("Tomas Lind did not meet Anna Berg on Monday.");
    expect(events.map((e) => e.type)).toEqual(["REJECT"]);
  });

  it("does not take the content of a demand for an event", () => {
    const events = detect("Anna Berg demanded an immediate ceasefire and the withdrawal of troops from Eastvale.");
    expect(events.map((e) => e.type)).toEqual(["REQUEST"]);
  });

  it("ignores non-events: goals met, headlines, phone lines", () => {
    expect(detect("The company met its sales targets in Westport.")).toEqual([]);
    expect(detect("Leaders Meet In Westport")).toEqual([]);
    expect(detect("The network routes phone calls across the country.")).toEqual([]);
  });
});

describe("detectEvents: arguments", () => {
  it("dates, places and names a planned meeting", () => {
    const [meeting] = detect("Anna Berg and Tomas Lind will meet in Westport on Thursday.");
    expect(meeting).toMatchObject({
      type: "CONSULT",
      status: "planned",
      date: "2019-06-06",
      place: "Westport",
      participants: ["Anna Berg", "Tomas Lind"],
      title: "Anna Berg and Tomas Lind to meet in Westport",
    });
    expect(meeting.text).toBe("Anna Berg and Tomas Lind will meet in Westport on Thursday");
    expect(meeting.sentence).toBe("Anna Berg and Tomas Lind will meet in Westport on Thursday.");
  });

  it("marks what is underway as ongoing", () => {
    const [talks] = detect("Talks between Norland and Sudmark are underway in Westport.");
    expect(talks).toMatchObject({ type: "CONSULT", status: "ongoing", place: "Westport" });
  });

  it("prefers the city to the country it is in", () => {
    const [meeting] = detect("The envoys met in Norland's port city of Westport on Monday.");
    expect(meeting.place).toBe("Westport");
  });

  it("dates an event 'a day after' the one before it", () => {
    const events = detect("Anna Berg and Tomas Lind spoke by phone on Sunday. The call came a day after Carla Ruiz accused Sudmark of shelling Eastvale.");
    expect(events.find((e) => e.type === "ACCUSE")?.date).toBe("2019-06-01");
  });

  it("anchors an undated article on a date it states with its weekday", () => {
    const body = "Anna Berg and Tomas Lind will meet in Westport on Thursday, March 10. On Sunday, Sudmark shelled Eastvale.";
    const events = detect(body, null);
    expect(events.find((e) => e.type === "CONSULT")?.date).toBe("2022-03-10");
    expect(events.find((e) => e.type === "ASSAULT")?.date).toBe("2022-03-06");
  });

  it("keeps a weekday it cannot resolve as a hint", () => {
    const [meeting] = detect("Anna Berg met Tomas Lind on Thursday.", null);
    expect(meeting.date).toBeNull();
    expect(meeting.dateHint).toEqual({ weekday: 4, month: null, day: null });
  });
});

describe("detectEvents: merging within an article", () => {
  it("folds a back-reference into the event it names", () => {
    const events = detect("Anna Berg and Tomas Lind met in Westport on Monday. The meeting lasted two hours, Carla Ruiz said.");
    expect(events.filter((e) => e.type === "CONSULT")).toHaveLength(1);
  });

  it("keeps different rounds of talks apart", () => {
    const events = detect("The second round of talks ended in Westport. The third round of talks opened in Westport on Monday.");
    expect(events.filter((e) => e.type === "CONSULT").map((e) => e.round)).toEqual(["2", "3"]);
  });
});
