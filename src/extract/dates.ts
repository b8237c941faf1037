// Date expressions in a sentence, resolved against a reference date (the article's date, or
// an anchor the article itself gives). chrono-node finds the expressions; this module decides
// what they mean, because a news report needs things chrono does not do: a bare weekday is the
// last one for something that happened and the next one for something planned, and a date with
// no year and no reference can still be placed when its weekday fixes the year.
import * as chrono from "chrono-node";
import type { DateHint } from "./types.js";

export type { DateHint };

/** "a day after", "two days later": a date counted from the event mentioned just before. */
export interface RelativeOffset {
  days: number;
  /** Whether the offset applies to what follows the phrase (after/before) or to the whole sentence (later/earlier). */
  appliesTo: "following" | "sentence";
}

/** One date expression found in a text. Offsets index into the text given to `findDateExpressions`. */
export interface DateExpression {
  start: number;
  end: number;
  text: string;
  /** Fully known date (ISO), regardless of tense. */
  date: string | null;
  /** Partial date still to resolve against a reference and a tense. */
  hint: DateHint | null;
  /** Dates relative to today ("yesterday"), meaningful only against the publication date. */
  daysFromReference: number | null;
  offset: RelativeOffset | null;
}

export type Tense = "past" | "future";

const DAY_MS = 86_400_000;
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };
const OFFSET_RE = /\b(an?|one|two|three|four|five|six|seven|\d+)\s+(days?|weeks?)\s+(after|before|later|earlier)\b/gi;
// Vague spans are not a day: "last week", "this year", "two weeks ago".
const VAGUE_RE = /\b(?:week|weeks|weekend|month|months|year|years|decade|ago)\b/i;
// chrono is slow: a text without a digit or a day or month word has no date for it to find.
const DATE_WORDS = /\d|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s|\b(?:today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b/i;
const TODAY_RE = /\b(?:today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b/i;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function parseIso(iso: string): Date {
  return new Date(`${iso}T12:00:00Z`);
}

export function addDays(iso: string, days: number): string {
  return isoDate(new Date(parseIso(iso).getTime() + days * DAY_MS));
}

export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * Days since 1970-01-01 of an ISO date (YYYY-MM-DD), from its digits: event matching compares
 * dates thousands of times per article, and parsing a Date from a string for each was a tenth of
 * it. Anything else goes the long way.
 */
function dayNumber(iso: string): number {
  const year = digitsAt(iso, 0, 4);
  const month = digitsAt(iso, 5, 7);
  const day = digitsAt(iso, 8, 10);
  if (iso.length !== 10 || iso[4] !== "-" || iso[7] !== "-" || !(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) {
    return Math.floor(parseIso(iso).getTime() / DAY_MS);
  }
  // Days from civil (proleptic Gregorian), counting years from March so that leap days come last.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number written at [from, to) of `text`, or NaN if any of it is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

function ymd(year: number, month: number, day: number): string {
  return isoDate(new Date(Date.UTC(year, month - 1, day, 12)));
}

/** The year in which month/day falls on the weekday, latest first, not after `notAfterYear`. */
export function yearFromWeekday(month: number, day: number, weekday: number, notAfterYear: number): number | null {
  for (let year = notAfterYear; year > notAfterYear - 28; year--) {
    if (new Date(Date.UTC(year, month - 1, day, 12)).getUTCDay() === weekday) return year;
  }
  return null;
}

/**
 * Resolves a partial date against a reference date: a weekday to the last one on or before the
 * reference for past events and the next one on or after it for planned events; a month and
 * day to the year that puts it nearest the reference.
 */
export function resolveHint(hint: DateHint, reference: string, tense: Tense): string | null {
  if (hint.month !== null && hint.day !== null) {
    const year = parseIso(reference).getUTCFullYear();
    const candidates = [year - 1, year, year + 1].map((y) => ymd(y, hint.month!, hint.day!));
    return candidates.reduce((best, c) => (Math.abs(daysBetween(reference, c)) < Math.abs(daysBetween(reference, best)) ? c : best));
  }
  if (hint.weekday !== null) {
    const refDay = parseIso(reference).getUTCDay();
    const back = (refDay - hint.weekday + 7) % 7;
    return tense === "past" ? addDays(reference, -back) : addDays(reference, (hint.weekday - refDay + 7) % 7);
  }
  return null;
}

/** Date expressions in `text`, resolved as far as `reference` (ISO or null) allows. */
export function findDateExpressions(text: string, reference: string | null, now: Date = new Date()): DateExpression[] {
  const found: DateExpression[] = [];
  for (const m of text.matchAll(OFFSET_RE)) {
    const count = NUMBER_WORDS[m[1].toLowerCase()] ?? Number(m[1]);
    const days = count * (m[2].toLowerCase().startsWith("week") ? 7 : 1);
    const word = m[3].toLowerCase();
    const sign = word === "after" || word === "earlier" ? -1 : 1;
    const appliesTo = word === "after" || word === "before" ? "following" : "sentence";
    found.push({ start: m.index, end: m.index + m[0].length, text: m[0], date: null, hint: null, daysFromReference: null, offset: { days: sign * days, appliesTo } });
  }
  if (!DATE_WORDS.test(text)) return found;
  const referenceDate = reference ? parseIso(reference) : now;
  for (const result of chrono.parse(text, referenceDate)) {
    const start = result.index;
    const end = start + result.text.length;
    if (found.some((f) => f.offset && start < f.end && f.start < end)) continue;
    const c = result.start;
    // A range opened with "since" is background, not the date of an event.
    if (/\bsince\s*$/i.test(text.slice(Math.max(0, start - 7), start))) continue;
    const expression: DateExpression = { start, end, text: result.text, date: null, hint: null, daysFromReference: null, offset: null };
    if (TODAY_RE.test(result.text) && !VAGUE_RE.test(result.text)) {
      // "Yesterday" means something only against the publication date.
      if (!reference) continue;
      expression.daysFromReference = daysBetween(reference, isoDate(c.date()));
    } else if (c.isCertain("month") && c.isCertain("day")) {
      const month = c.get("month")!;
      const day = c.get("day")!;
      if (c.isCertain("year")) expression.date = ymd(c.get("year")!, month, day);
      else if (reference) expression.date = resolveHint({ weekday: null, month, day }, reference, "past");
      else if (c.isCertain("weekday")) {
        const year = yearFromWeekday(month, day, c.get("weekday")!, now.getUTCFullYear());
        if (year !== null) expression.date = ymd(year, month, day);
      }
      if (!expression.date) expression.hint = { weekday: c.isCertain("weekday") ? c.get("weekday")! : null, month, day };
    } else if (c.isCertain("weekday")) {
      expression.hint = { weekday: c.get("weekday")!, month: null, day: null };
    } else continue;
    found.push(expression);
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The ISO date an expression stands for, given a reference date and the tense of the event it dates. */
export function resolveExpression(expression: DateExpression, reference: string | null, tense: Tense): string | null {
  if (expression.date) return expression.date;
  if (!reference) return null;
  if (expression.daysFromReference !== null) return addDays(reference, expression.daysFromReference);
  if (expression.hint) return resolveHint(expression.hint, reference, tense);
  return null;
}
