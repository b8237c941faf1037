import { quotes } from "../db/schema.js";
import { builder } from "./builder.js";
import { inlinePageSizes } from "./page-sizes.js";
import { Entity } from "./entity.js";
import { type TableFilter, allOf, entityNamed, textMatches } from "./filters.js";

export const Quote = builder.drizzleNode("quotes", {
  name: "Quote",
  // Only the columns the query asks for: no body or search vectors unless selected.
  select: {},
  description: "A direct quotation and who said it.",
  id: { column: (q) => q.id },
  fields: (t) => ({
    text: t.exposeString("text", { description: "Verbatim, without the quotation marks." }),
    speaker: t.relation("speaker", { type: Entity, nullable: true, description: "Person or organization quoted; null when the article does not say." }),
    article: t.relation("article"),
    start: t.exposeInt("start", { description: "Offset of the quotation in the article body." }),
    end: t.exposeInt("end"),
  }),
});

interface QuoteArgs {
  speaker?: string | null;
  search?: string | null;
}

function quoteFilter(args: QuoteArgs): TableFilter<typeof quotes> {
  return allOf<typeof quotes>(
    args.speaker != null && ((t) => entityNamed(t.speakerId, args.speaker!)),
    args.search != null && ((t) => textMatches(t.search, args.search!)),
  );
}

builder.queryFields((t) => ({
  quotes: t.drizzleConnection({
    type: "quotes",
    description: "Quotations, newest first.",
    args: {
      speaker: t.arg.string({ description: "Name or alias of the speaker." }),
      search: t.arg.string({ description: "Full-text search in the quotation." }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.$count(quotes, quoteFilter(args)(quotes)),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.query.quotes.findMany(inlinePageSizes(query({ where: { RAW: (table) => quoteFilter(args)(table)! }, orderBy: { id: "desc" } }))),
  }),
}));
