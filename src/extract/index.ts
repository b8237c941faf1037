import { cleanText } from "./body.js";
import { extractEntities } from "./entities.js";
import { detectEvents } from "./events.js";
import { extractFigures } from "./figures.js";
import { htmlToArticle } from "./html.js";
import { extractQuotes } from "./quotes.js";
import { splitSentences } from "./sentences.js";
import type { ArticleInput, ExtractedArticle } from "./types.js";

export * from "./types.js";

/** Reads one article (plain text or HTML) and returns everything extracted from it. Pure. */
export function extractArticle(input: ArticleInput): ExtractedArticle {
  const page = input.html != null ? htmlToArticle(input.html) : null;
  const cleaned = cleanText(page ? page.text : (input.text ?? ""));
  const title = input.title ?? page?.title ?? cleaned.title;
  const publishedAt = input.publishedAt ?? page?.publishedAt ?? cleaned.publishedAt;
  const body = cleaned.body;
  const sentences = splitSentences(body);
  const entities = extractEntities(body, sentences);
  return {
    title,
    publishedAt,
    body,
    language: "en",
    entities: entities.records,
    quotes: extractQuotes(body, sentences, entities.mentions),
    figures: extractFigures(body, sentences),
    events: detectEvents({ body, sentences, mentions: entities.mentions, publishedAt, places: entities.records.places }),
  };
}
