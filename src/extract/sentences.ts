import type { Span } from "./types.js";

/** Splits a body into sentence spans (offsets into the body). */
export function splitSentences(body: string): Span[] {
  const spans: Span[] = [];
  const re = /[^.!?\n]+(?:[.!?]+["'\u201d\u2019)]*|\n|$)/g;
  for (const m of body.matchAll(re)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (!text) continue;
    const start = m.index + lead;
    spans.push({ start, end: start + text.length });
  }
  return spans;
}
