import type { Span } from "./types.js";

// Words that end with a period without ending the sentence.
const ABBREVIATIONS = new Set(
  [
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "maj", "gov", "sen", "rep",
    "rev", "fr", "st", "jr", "sr", "mt", "ft", "vs", "etc", "inc", "ltd", "co", "corp", "no", "nos", "vol", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "est", "dept", "univ", "fig", "al",
  ],
);

const CLOSERS = "\"'\u201d\u2019)]\u00bb";
const OPENERS = "\"'\u201c\u2018([\u00ab";

function isUpperOrDigit(ch: string): boolean {
  return /[\p{Lu}\p{N}]/u.test(ch);
}

/** Whether the period at `dot` belongs to an abbreviation, an initial or a dotted acronym (U.S., a.m.). */
function isAbbreviationDot(body: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && /[\p{L}.]/u.test(body[start - 1])) start--;
  const word = body.slice(start, dot);
  if (!word) return false;
  if (word.includes(".")) return true; // U.S. / a.m. / e.g.
  if (word.length === 1 && /\p{Lu}/u.test(word)) return true; // an initial: J. Smith
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Splits a body into sentence spans (offsets into the body). Line breaks always end a sentence. */
export function splitSentences(body: string): Span[] {
  const spans: Span[] = [];
  const push = (from: number, to: number) => {
    while (from < to && /\s/.test(body[from])) from++;
    while (to > from && /\s/.test(body[to - 1])) to--;
    if (to > from) spans.push({ start: from, end: to });
  };
  let sentenceStart = 0;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const ch = body[i];
    if (ch === "\n") {
      push(sentenceStart, i);
      sentenceStart = i + 1;
      continue;
    }
    if (ch !== "." && ch !== "!" && ch !== "?" && ch !== "\u2026") continue;
    let end = i + 1;
    while (end < n && (body[end] === "." || body[end] === "!" || body[end] === "?")) end++;
    while (end < n && CLOSERS.includes(body[end])) end++;
    // A boundary needs white space, then a capital, digit or opening quote.
    let next = end;
    while (next < n && (body[next] === " " || body[next] === "\t" || body[next] === "\u00a0")) next++;
    if (next === end && next < n) continue;
    if (next < n && body[next] !== "\n") {
      const following = OPENERS.includes(body[next]) ? (body[next + 1] ?? "") : body[next];
      if (!isUpperOrDigit(following)) continue;
      if (ch === "." && end === i + 1 && isAbbreviationDot(body, i)) continue;
    }
    push(sentenceStart, end);
    sentenceStart = end;
    i = end - 1;
  }
  push(sentenceStart, n);
  return spans;
}
