// Publication dates from the strings pages and scraped texts carry them in:
// ISO timestamps, date lines ("March 9, 2022", "Published: Wed 9 Mar 2022"),
// and wire datelines ("ISTANBUL, March 28 (Bernama) —") that may omit the year.
import * as chrono from "chrono-node";

const MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** Words that make a date relative to the reading moment rather than printed on the page. */
const RELATIVE_WORDS = /\b(?:ago|today|yesterday|tomorrow|tonight|now|last|next|this|since)\b/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\d])/;
const MAX_DATE_STRING = 200;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function isoFromParts(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

interface DateMatch {
  iso: string;
  /** Offset and length of the date expression in the searched string. */
  index: number;
  length: number;
}

// chrono is slow. A full date (year, month and day) needs a digit and either a month name or a
// numeric form (9/3/2022, 2022.03.09); strings with neither are not given to it.
const MAY_HOLD_FULL_DATE = new RegExp(`\\d[/.\\-]\\d|\\b(?:${MONTHS})\\b`, "i");

/** The first absolute calendar date (year, month and day all written) in a short string. */
export function findAbsoluteDate(text: string): DateMatch | null {
  const sample = text.slice(0, MAX_DATE_STRING);
  if (!/\d/.test(sample) || !MAY_HOLD_FULL_DATE.test(sample)) return null;
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(sample);
  if (iso) {
    const value = isoFromParts(+iso[1], +iso[2], +iso[3]);
    if (value) return { iso: value, index: iso.index, length: iso[0].length };
  }
  for (const result of chrono.parse(sample)) {
    const start = result.start;
    if (!start.isCertain("year") || !start.isCertain("month") || !start.isCertain("day")) continue;
    if (RELATIVE_WORDS.test(result.text) || !/\d/.test(result.text)) continue;
    const value = isoFromParts(start.get("year") ?? 0, start.get("month") ?? 0, start.get("day") ?? 0);
    if (value) return { iso: value, index: result.index, length: result.text.length };
  }
  return null;
}

/** ISO date (YYYY-MM-DD) of a metadata value such as "2023-11-06T13:00:15Z" or "Mon, 7 Mar 2022". */
export function dateFromMetadataValue(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  // Keep the calendar day the publisher wrote; converting the zone could shift it.
  const iso = ISO_DATE.exec(trimmed);
  if (iso) return isoFromParts(+iso[1], +iso[2], +iso[3]);
  const compact = /^(\d{4})(\d{2})(\d{2})(?:\D|$)/.exec(trimmed);
  if (compact) return isoFromParts(+compact[1], +compact[2], +compact[3]);
  return findAbsoluteDate(trimmed)?.iso ?? null;
}

const LABEL_WORDS = new Set([
  "published", "publish", "posted", "updated", "last", "modified", "date", "dated", "on", "at", "by", "first",
  "created", "am", "pm", "a.m.", "p.m.", "gmt", "utc", "est", "edt", "cst", "cdt", "pst", "pdt", "ist", "bst",
  "cet", "cest", "et", "pt", "hrs", "hours", "time",
  ...WEEKDAYS, "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
]);

// Words chrono may read as part of a date besides months, weekdays and the labels above.
const DATE_LINE_WORDS = new Set(["the", "and", "noon", "midnight", "morning", "afternoon", "evening", "night", "sept", "tues", "thur", "thurs"]);
const MONTH_WORD = new RegExp(`^(?:${MONTHS})$`);

/**
 * The date of a line that is only a date stamp ("March 9, 2022", "Published: 08 Mar 2022, 10:30 IST",
 * "Updated 3:04 PM EST, Mon March 7, 2022"), or null when the line says more than that.
 */
export function dateOfDateLine(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed.length === 0 || trimmed.length > 90 || !/\d/.test(trimmed)) return null;
  // A word that is no label, month or date word cannot be part of a date stamp: skip chrono.
  for (const word of trimmed.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    if (!LABEL_WORDS.has(word) && !DATE_LINE_WORDS.has(word) && !MONTH_WORD.test(word)) return null;
  }
  const found = findAbsoluteDate(trimmed);
  if (!found) return null;
  const rest = (trimmed.slice(0, found.index) + " " + trimmed.slice(found.index + found.length)).toLowerCase();
  const leftover = rest
    .split(/[\s,|:;()\-–—/•·]+/)
    .filter((w) => w !== "" && !LABEL_WORDS.has(w) && !/^\d{1,2}[:.]\d{2}$/.test(w) && !/^[+-]?\d{4}$/.test(w));
  return leftover.length === 0 ? found.iso : null;
}

/** A date-stamp label opening a paragraph: "date 2022-03-08 As the war…", "Published: March 9, 2022 …". */
const DATE_PREFIX = /^(?:date|dated|published|posted|updated|last updated|published on|posted on)\s*[:\-–—]?\s*/i;

/** Date and the remaining text of a paragraph that starts with a labelled date stamp, else null. */
export function splitDatePrefix(paragraph: string): { iso: string; rest: string } | null {
  const label = DATE_PREFIX.exec(paragraph);
  if (!label) return null;
  const afterLabel = paragraph.slice(label[0].length);
  const found = findAbsoluteDate(afterLabel.slice(0, 80));
  if (!found || found.index > 3) return null;
  let rest = afterLabel.slice(found.index + found.length);
  // A clock time and zone often follow the day: "2022-03-08 10:30 IST".
  rest = rest.replace(/^[\s,|]*(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?)?[\s,|:\-–—]*/i, "");
  return { iso: found.iso, rest };
}

const DATELINE = new RegExp(
  // "ISTANBUL, March 28 (Bernama) —", "KYIV, Ukraine, Mar. 28, 2022 /PRNewswire/ --", "LONDON, 9 March (Reuters) -"
  String.raw`^[A-Z][A-Za-z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.' -]{1,30})?,\s*` +
    String.raw`(?:(${MONTHS})\.?\s+(\d{1,2})|(\d{1,2})\s+(${MONTHS})\.?)(?:,?\s+(\d{4}))?` +
    String.raw`\s*(?:\([^()]{1,40}\)|/[^/]{1,40}/)?\s*(?:[-–—:]|$)`,
  "i",
);

function monthNumber(name: string): number {
  const prefix = name.slice(0, 3).toLowerCase();
  return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].indexOf(prefix) + 1;
}

const WEEKDAY_MENTION = /\b(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/i;

/**
 * The year of a dateline that gives only month and day. News leads name the weekday of what they
 * report, which is the dateline's day or the day before it; the most recent past year whose calendar
 * agrees is taken. Without a weekday to check, the year stays unknown.
 */
export function inferDatelineYear(month: number, day: number, lead: string, today: Date): number | null {
  const weekday = WEEKDAY_MENTION.exec(lead.slice(0, 600));
  if (!weekday) return null;
  const mentioned = WEEKDAYS.indexOf(weekday[1].toLowerCase());
  const todayIso = today.toISOString().slice(0, 10);
  for (let year = today.getUTCFullYear(); year > today.getUTCFullYear() - 30; year--) {
    const iso = isoFromParts(year, month, day);
    if (!iso || iso > todayIso) continue;
    const datelineWeekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    const daysBefore = (datelineWeekday - mentioned + 7) % 7;
    if (daysBefore <= 1) return year;
  }
  return null;
}

/** Publication date from a wire dateline opening the story's first paragraph, or null. */
export function dateOfDateline(paragraph: string, today: Date = new Date()): string | null {
  const match = DATELINE.exec(paragraph.slice(0, 160));
  if (!match) return null;
  const month = monthNumber(match[1] ?? match[4]);
  const day = Number(match[2] ?? match[3]);
  const year = match[5] ? Number(match[5]) : inferDatelineYear(month, day, paragraph.slice(match[0].length), today);
  return year === null ? null : isoFromParts(year, month, day);
}
