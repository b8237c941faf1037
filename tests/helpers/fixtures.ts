import type { EventRecord, ExtractedArticle, FigureRecord, QuoteRecord } from "../../src/extract/types.js";

/** Offsets of `text` in `body` (first occurrence); fails loudly when the fixture is wrong. */
function span(body: string, text: string): { start: number; end: number; text: string } {
  const start = body.indexOf(text);
  if (start < 0) throw new Error(`fixture text not in body: ${text}`);
  return { start, end: start + text.length, text };
}

const sentenceOf = (body: string, text: string) => {
  const { start } = span(body, text);
  const from = body.lastIndexOf(".", start) + 1;
  const to = body.indexOf(".", start + text.length);
  return body.slice(from, to < 0 ? body.length : to + 1).trim();
};

function event(body: string, evidence: string, fields: Omit<EventRecord, "start" | "end" | "text" | "sentence">): EventRecord {
  return { ...span(body, evidence), sentence: sentenceOf(body, evidence), ...fields };
}

function quote(body: string, text: string, speaker: string | null): QuoteRecord {
  return { ...span(body, text), speaker };
}

function figure(body: string, text: string, fields: Omit<FigureRecord, "start" | "end" | "text">): FigureRecord {
  return { ...span(body, text), ...fields };
}

/**
 * Hand-made extraction results for two reports of one (invented) meeting, so that API tests do
 * not depend on how good extraction is today. Extraction has tests of its own.
 */
export function meetingReport(): ExtractedArticle {
  const body =
    "Norwegian Foreign Minister Anna Berg will meet her German counterpart Jonas Weber in Kiev on Friday, May 6. " +
    '"We will talk about grain corridors and nothing else," Berg said. ' +
    "At least 1,200 people were killed in the region last month.";
  return {
    title: "Berg and Weber to meet in Kyiv",
    publishedAt: "2022-05-03",
    body,
    language: "en",
    entities: {
      people: [
        { name: "Anna Berg", aliases: ["Berg"], role: "Foreign Minister of Norway" },
        { name: "Jonas Weber", aliases: [], role: null },
      ],
      places: [{ name: "Kyiv", aliases: ["Kiev"], kind: "city", country: "UA", latitude: 50.45, longitude: 30.52 }],
      organizations: [],
    },
    quotes: [quote(body, "We will talk about grain corridors and nothing else,", "Anna Berg")],
    figures: [
      figure(body, "At least 1,200 people were killed", { value: 1200, unit: "person", measure: "killed", qualifier: "at least" }),
    ],
    events: [
      event(body, "will meet her German counterpart Jonas Weber in Kiev on Friday, May 6", {
        type: "CONSULT",
        mode: "visit",
        date: "2022-05-06",
        place: "Kyiv",
        participants: ["Anna Berg", "Jonas Weber"],
        status: "planned",
        title: "Anna Berg and Jonas Weber meet in Kyiv",
      }),
    ],
  };
}

export function protestReport(): ExtractedArticle {
  const body =
    "Thousands of dockworkers marched through Oslo on Tuesday, May 3, demanding higher wages. " +
    "The Transport Workers Union said the strike would last two weeks.";
  return {
    title: "Dockworkers march in Oslo",
    publishedAt: "2022-05-04",
    body,
    language: "en",
    entities: {
      people: [],
      places: [{ name: "Oslo", aliases: [], kind: "city", country: "NO", latitude: 59.91, longitude: 10.75 }],
      organizations: [{ name: "Transport Workers Union", aliases: [] }],
    },
    quotes: [],
    figures: [figure(body, "two weeks", { value: 2, unit: "week", measure: "duration", qualifier: null })],
    events: [
      event(body, "Thousands of dockworkers marched through Oslo on Tuesday, May 3", {
        type: "PROTEST",
        mode: null,
        date: "2022-05-03",
        place: "Oslo",
        participants: ["Transport Workers Union"],
        status: "occurred",
        title: "Dockworkers protest in Oslo",
      }),
    ],
  };
}

/** A report with three quotes from one speaker and no events: enough rows to page a nested connection. */
export function interviewReport(): ExtractedArticle {
  const body =
    'Harbour master Ida Lund spoke to reporters on Wednesday. "The quay will reopen in June," Lund said. ' +
    '"Nobody was hurt," she added. "We are grateful to the crews," Lund said later.';
  return {
    title: "Harbour master expects quay to reopen",
    publishedAt: "2022-05-05",
    body,
    language: "en",
    entities: { people: [{ name: "Ida Lund", aliases: ["Lund"], role: "harbour master" }], places: [], organizations: [] },
    quotes: [
      quote(body, "The quay will reopen in June,", "Ida Lund"),
      quote(body, "Nobody was hurt,", "Ida Lund"),
      quote(body, "We are grateful to the crews,", "Ida Lund"),
    ],
    figures: [],
    events: [],
  };
}
