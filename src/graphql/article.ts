import { eq, gte, lte } from "drizzle-orm";
import { articles } from "../db/schema.js";
import { INGEST_ERROR_CODES, IngestError } from "../ingest/errors.js";
import { type IngestResult, ingestArticle } from "../ingest/pipeline.js";
import { builder } from "./builder.js";
import { inlinePageSizes } from "./page-sizes.js";
import { Entity } from "./entity.js";
import { Event } from "./event.js";
import { type TableFilter, allOf, textMatches } from "./filters.js";

export const Article = builder.drizzleNode("articles", {
  name: "Article",
  // Only the columns the query asks for: no body or search vectors unless selected.
  select: {},
  id: { column: (a) => a.id },
  fields: (t) => ({
    url: t.exposeString("url", { nullable: true }),
    source: t.exposeString("source", { nullable: true, description: "The outlet." }),
    title: t.exposeString("title", { nullable: true }),
    publishedAt: t.expose("publishedAt", { type: "Date", nullable: true }),
    ingestedAt: t.expose("ingestedAt", { type: "DateTime" }),
    language: t.exposeString("language", { description: "ISO 639-1 code." }),
    body: t.exposeString("body", { description: "The main story, boilerplate removed; offsets index into it." }),
    events: t.relatedConnection("events", { description: "Events this article reports.", query: { orderBy: { id: "asc" } }, totalCount: true }),
    mentions: t.relatedConnection("mentions", { description: "This article's event reports with evidence.", query: { orderBy: { id: "asc" } }, totalCount: true }),
    quotes: t.relatedConnection("quotes", { query: { orderBy: { start: "asc" } }, totalCount: true }),
    figures: t.relatedConnection("figures", { query: { orderBy: { start: "asc" } }, totalCount: true }),
    entities: t.relation("entities", { type: Entity, description: "People, places and organizations the article names." }),
  }),
});

interface ArticleArgs {
  search?: string | null;
  source?: string | null;
  from?: string | null;
  to?: string | null;
}

function articleFilter(args: ArticleArgs): TableFilter<typeof articles> {
  return allOf<typeof articles>(
    args.search != null && ((t) => textMatches(t.search, args.search!)),
    args.source != null && ((t) => eq(t.source, args.source!)),
    args.from != null && ((t) => gte(t.publishedAt, args.from!)),
    args.to != null && ((t) => lte(t.publishedAt, args.to!)),
  );
}

builder.queryFields((t) => ({
  articles: t.drizzleConnection({
    type: "articles",
    description: "Ingested articles, newest first.",
    args: {
      search: t.arg.string({ description: "Full-text search in title and body." }),
      source: t.arg.string({ description: "The outlet." }),
      from: t.arg({ type: "Date", description: "Published on or after." }),
      to: t.arg({ type: "Date", description: "Published on or before." }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.$count(articles, articleFilter(args)(articles)),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.query.articles.findMany(inlinePageSizes(query({ where: { RAW: (table) => articleFilter(args)(table)! }, orderBy: { id: "desc" } }))),
  }),
}));

const IngestErrorCode = builder.enumType("IngestErrorCode", { values: INGEST_ERROR_CODES });

builder.objectType(IngestError, {
  name: "IngestError",
  description: "Why an article was refused. Nothing was stored.",
  fields: (t) => ({
    code: t.field({ type: IngestErrorCode, resolve: (e) => e.code }),
    message: t.exposeString("message"),
  }),
});

const IngestArticlePayload = builder.objectRef<IngestResult>("IngestArticlePayload").implement({
  fields: (t) => ({
    article: t.drizzleField({
      type: Article,
      resolve: (query, result, _args, ctx) =>
        ctx.db.query.articles.findFirst(inlinePageSizes(query({ where: { id: result.articleId } }))).then((row) => row!),
    }),
    duplicate: t.exposeBoolean("duplicate", { description: "The article was already stored (same URL or same text); `article` is that one." }),
    addedEvents: t.drizzleField({
      type: [Event],
      description: "Events this article reported first.",
      resolve: (query, result, _args, ctx) =>
        ctx.db.query.events.findMany(inlinePageSizes(query({ where: { id: { in: result.addedEventIds } }, orderBy: { id: "asc" } }))),
    }),
    updatedEvents: t.drizzleField({
      type: [Event],
      description: "Stored events this article corroborated or changed.",
      resolve: (query, result, _args, ctx) =>
        ctx.db.query.events.findMany(inlinePageSizes(query({ where: { id: { in: result.updatedEventIds } }, orderBy: { id: "asc" } }))),
    }),
  }),
});

const IngestArticleInput = builder.inputType("IngestArticleInput", {
  fields: (t) => ({
    text: t.string({ description: "Plain-text article (first line the headline). Give text or html." }),
    html: t.string({ description: "Raw HTML page. Give text or html." }),
    url: t.string(),
    source: t.string({ description: "The outlet; defaults to the URL's host." }),
    title: t.string({ description: "Overrides the extracted headline." }),
    publishedAt: t.string({ description: "ISO date; overrides the extracted date." }),
  }),
});

builder.mutationField("ingestArticle", (t) =>
  t.field({
    type: IngestArticlePayload,
    description: "Extracts an article and stores it with its events, quotes, figures and entities, atomically.",
    errors: { types: [IngestError] },
    args: { input: t.arg({ type: IngestArticleInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      if (!ctx.canIngest) throw new IngestError("UNAUTHORIZED", "Ingest needs `Authorization: Bearer <INGEST_TOKEN>`.");
      return ingestArticle(ctx.writeDb, input, { maxBytes: ctx.maxArticleBytes });
    },
  }),
);
