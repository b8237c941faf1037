import { defineRelations } from "drizzle-orm";
import * as schema from "./schema.js";

export const relations = defineRelations(schema, (r) => ({
  articles: {
    mentions: r.many.eventMentions(),
    events: r.many.events({
      from: r.articles.id.through(r.eventMentions.articleId),
      to: r.events.id.through(r.eventMentions.eventId),
    }),
    quotes: r.many.quotes(),
    figures: r.many.figures(),
    entities: r.many.entities({
      from: r.articles.id.through(r.articleEntities.articleId),
      to: r.entities.id.through(r.articleEntities.entityId),
    }),
  },
  entities: {
    quotes: r.many.quotes(),
    eventsHere: r.many.events({ from: r.entities.id, to: r.events.placeId }),
    events: r.many.events({
      from: r.entities.id.through(r.eventParticipants.entityId),
      to: r.events.id.through(r.eventParticipants.eventId),
    }),
    articles: r.many.articles({
      from: r.entities.id.through(r.articleEntities.entityId),
      to: r.articles.id.through(r.articleEntities.articleId),
    }),
  },
  events: {
    place: r.one.entities({ from: r.events.placeId, to: r.entities.id }),
    mentions: r.many.eventMentions(),
    participants: r.many.entities({
      from: r.events.id.through(r.eventParticipants.eventId),
      to: r.entities.id.through(r.eventParticipants.entityId),
    }),
  },
  eventMentions: {
    event: r.one.events({ from: r.eventMentions.eventId, to: r.events.id, optional: false }),
    article: r.one.articles({ from: r.eventMentions.articleId, to: r.articles.id, optional: false }),
  },
  quotes: {
    article: r.one.articles({ from: r.quotes.articleId, to: r.articles.id, optional: false }),
    speaker: r.one.entities({ from: r.quotes.speakerId, to: r.entities.id }),
  },
  figures: {
    article: r.one.articles({ from: r.figures.articleId, to: r.articles.id, optional: false }),
  },
}));
