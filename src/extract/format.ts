import type { ExtractedArticle } from "./types.js";

/**
 * The `extract` output contract (../shared/gold/FORMAT.md): one JSON object per article.
 * `clusterIds[i]` is the cluster id of the article's i-th event.
 */
export function toContractRecord(article: string, extracted: ExtractedArticle, clusterIds: string[]) {
  return {
    article,
    title: extracted.title,
    publishedAt: extracted.publishedAt,
    body: extracted.body,
    entities: {
      people: extracted.entities.people.map(({ name, aliases, role }) => ({ name, aliases, role })),
      places: extracted.entities.places.map(({ name, aliases, kind, country }) => ({ name, aliases, kind, country })),
      organizations: extracted.entities.organizations.map(({ name, aliases }) => ({ name, aliases })),
    },
    quotes: extracted.quotes.map(({ speaker, text }) => ({ speaker, text })),
    figures: extracted.figures.map(({ value, unit, measure, qualifier, text }) => ({ value, unit, measure, qualifier, text })),
    events: extracted.events.map(({ type, date, place, participants, status, text }, i) => ({
      id: clusterIds[i],
      type,
      date,
      place,
      participants,
      status,
      text,
    })),
  };
}
