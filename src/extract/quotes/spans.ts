// Finds the spans between quotation marks: straight, curly, guillemets and single quotes,
// telling apostrophes apart, and joining quotations that run over several paragraphs.
import type { Span } from "../types.js";

export interface QuotedSpan extends Span {
  /** Offset of the opening mark. */
  open: number;
  /** Offset one past the closing mark. */
  close: number;
  /** The marks are single quotes (' or ‘ ’), which outlets such as the BBC use for speech. */
  single: boolean;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const SPACE_BEFORE_OPEN = /[\s([{\u2014\u2013/-]/;

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && LETTER_OR_DIGIT.test(ch);
const opensHere = (body: string, i: number): boolean => {
  const before = body[i - 1];
  const after = body[i + 1];
  return (before === undefined || SPACE_BEFORE_OPEN.test(before)) && after !== undefined && !/\s/.test(after);
};
const closesHere = (body: string, i: number): boolean => {
  const before = body[i - 1];
  return before !== undefined && !/\s/.test(before) && !isWordChar(body[i + 1]);
};

// No quotation runs on for longer than this within one paragraph, nor over this many in all: the
// bounds keep a page full of unclosed marks linear (every opener would scan to the paragraph's end).
const MAX_PARAGRAPH_SCAN = 4000;
const MAX_QUOTE_CHARS = 20_000;

/** Where the paragraph holding `i` ends (the next newline, or the end of the body), looking no further than `limit`. */
function paragraphEnd(body: string, i: number, limit = body.length): number {
  const stop = Math.min(limit, body.length);
  let j = i;
  while (j < stop && body.charCodeAt(j) !== 10) j++;
  return j;
}

/** The first non-blank offset after the paragraph break at `end`, or -1 at the end of the body. */
function nextParagraphStart(body: string, end: number): number {
  let i = end;
  while (i < body.length && /\s/.test(body[i])) i++;
  return i < body.length ? i : -1;
}

const DOUBLE_OPEN = new Set(["\u201c", "\u201e", "\u00ab", '"']);

/**
 * Finds where the quotation opened at `open` ends: at its closing double mark within the paragraph,
 * or, when the paragraph ends unclosed, in a following paragraph that opens with a quote mark
 * (the convention for quotations running over several paragraphs). When a new quotation opens
 * after a full stop before any closing mark, the paragraphs were run together and the quotation
 * ends at that full stop. Returns null if the quotation never ends.
 */
function findDoubleEnd(body: string, open: number): { end: number; close: number } | null {
  let i = open + 1;
  const quoteLimit = open + MAX_QUOTE_CHARS;
  for (;;) {
    const scanLimit = Math.min(quoteLimit, i + MAX_PARAGRAPH_SCAN);
    const end = paragraphEnd(body, i, scanLimit);
    if (end >= scanLimit && end < body.length) return null;
    for (let j = i; j < end; j++) {
      const ch = body[j];
      if (ch === "\u201d" || ch === "\u00bb" || (ch === '"' && closesHere(body, j))) return { end: j, close: j + 1 };
      if ((ch === '"' || ch === "\u201c") && opensHere(body, j)) {
        const textEnd = body.slice(i, j).trimEnd().length + i;
        return /[.!?]/.test(body[textEnd - 1]) ? { end: textEnd, close: textEnd } : null;
      }
    }
    const next = nextParagraphStart(body, end);
    if (next < 0 || !DOUBLE_OPEN.has(body[next])) return null;
    i = next + 1;
  }
}

function findSingleClose(body: string, open: number): number {
  const end = paragraphEnd(body, open, open + MAX_PARAGRAPH_SCAN);
  for (let j = open + 1; j < end; j++) {
    const ch = body[j];
    if ((ch !== "'" && ch !== "\u2019") || !closesHere(body, j)) continue;
    // "the players' union": a plural possessive when a lower-case word follows and another closing mark comes later.
    const possessive = body[j - 1] === "s" && /^ [a-z]/.test(body.slice(j + 1, j + 3));
    if (possessive && /['\u2019](?![\p{L}\p{N}])/u.test(body.slice(j + 1, end))) continue;
    return j;
  }
  return -1;
}

// Every mark that may open a quotation: the scan jumps from one to the next.
const OPENING_MARK = /[\u201c\u201e\u00ab"'\u2018]/g;

/** All quoted spans of the body, outermost only, in order. */
export function findQuotedSpans(body: string): QuotedSpan[] {
  const spans: QuotedSpan[] = [];
  OPENING_MARK.lastIndex = 0;
  for (let mark = OPENING_MARK.exec(body); mark; mark = OPENING_MARK.exec(body)) {
    const i = mark.index;
    const ch = mark[0];
    let found: { end: number; close: number } | null = null;
    let single = false;
    if (ch === "\u201c" || ch === "\u201e" || ch === "\u00ab" || (ch === '"' && opensHere(body, i))) {
      found = findDoubleEnd(body, i);
    } else if ((ch === "'" || ch === "\u2018") && opensHere(body, i) && !isWordChar(body[i - 1])) {
      const close = findSingleClose(body, i);
      if (close >= 0) found = { end: close, close: close + 1 };
      single = true;
    }
    if (!found) continue;
    spans.push({ open: i, close: found.close, start: i + 1, end: found.end, single });
    OPENING_MARK.lastIndex = found.close;
  }
  return spans;
}
