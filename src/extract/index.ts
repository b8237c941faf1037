import { cleanText } from "./body.js";
import { extractEntities } from "./entities.js";
import { detectEvents } from "./events.js";
import { extractFigures } from "./figures.js";
import { htmlToArticle } from "./html.js";
import { detectLanguage } from "./language.js";
import { extractQuotes } from "./quotes.js";
import { splitSentences } from "./sentences.js";
import type { ArticleInput, ExtractedArticle } from "./types.js";

export * from "./types.js";

// Records are extracted from at most this much of the body (the body itself is kept whole): news
// articles are far shorter (60,000 characters is some 10,000 words), and the bound keeps any input within the per-article time budget.
export const MAX_ANALYSED_CHARS = 60_000;

/** The body up to MAX_ANALYSED_CHARS, cut at a paragraph or word break. */
function analysedPart(body: string): string {
  if (body.length <= MAX_ANALYSED_CHARS) return body;
  const paragraph = body.lastIndexOf("\n", MAX_ANALYSED_CHARS);
  if (paragraph > MAX_ANALYSED_CHARS / 2) return body.slice(0, paragraph);
  const space = body.lastIndexOf(" ", MAX_ANALYSED_CHARS);
  return body.slice(0, space > MAX_ANALYSED_CHARS / 2 ? space : MAX_ANALYSED_CHARS);
}

/** Reads one article (plain text or HTML) and returns everything extracted from it. Pure. */
export function extractArticle(input: ArticleInput): ExtractedArticle {
  const page = input.html != null ? htmlToArticle(input.html) : null;
  const cleaned = cleanText(page ? page.text : (input.text ?? ""));
  const title = input.title ?? page?.title ?? cleaned.title;
  const publishedAt = input.publishedAt ?? page?.publishedAt ?? cleaned.publishedAt;
  const body = cleaned.body;
  // Offsets into the analysed prefix are offsets into the body.
  const text = analysedPart(body);
  const sentences = splitSentences(text);
  const entities = extractEntities(text, sentences);
  return {
    title,
    publishedAt,
    body,
    language: detectLanguage(body),
    entities: entities.records,
    quotes: extractQuotes(text, sentences, entities.mentions),
    figures: extractFigures(text, sentences),
    events: detectEvents({ body: text, sentences, mentions: entities.mentions, publishedAt, places: entities.records.places }),
  };
}
