import type { EntityMention } from "./entities.js";
import type { QuoteRecord, Span } from "./types.js";

/** Finds direct quotations (stub: double-quoted runs of four or more words, speaker unknown). */
export function extractQuotes(body: string, _sentences: Span[], _mentions: EntityMention[]): QuoteRecord[] {
  const quotes: QuoteRecord[] = [];
  for (const m of body.matchAll(/["\u201c]([^"\u201c\u201d]{1,2000})["\u201d]/g)) {
    const text = m[1];
    if (text.trim().split(/\s+/).length < 4) continue;
    const start = m.index + 1;
    quotes.push({ speaker: null, text, start, end: start + text.length });
  }
  return quotes;
}
