import { eq } from "drizzle-orm";
import { figures } from "../db/schema.js";
import { QUALIFIERS } from "../extract/types.js";
import { builder } from "./builder.js";
import { inlinePageSizes } from "./page-sizes.js";
import { type TableFilter, allOf } from "./filters.js";

const Qualifier = builder.enumType("FigureQualifier", {
  values: Object.fromEntries(QUALIFIERS.map((q) => [q.toUpperCase().replace(" ", "_"), { value: q }])) as Record<
    "AT_LEAST" | "MORE_THAN" | "LESS_THAN" | "ABOUT" | "UP_TO",
    { value: (typeof QUALIFIERS)[number] }
  >,
});

export const Figure = builder.drizzleNode("figures", {
  name: "Figure",
  // Only the columns the query asks for: no body or search vectors unless selected.
  select: {},
  description: 'A reported number: "at least 1,119 civilians killed" is 1119 person killed, at least.',
  id: { column: (f) => f.id },
  fields: (t) => ({
    value: t.exposeFloat("value"),
    unit: t.exposeString("unit", { description: "Singular noun: person, dollar, percent, week..." }),
    measure: t.exposeString("measure", { description: "What is counted: killed, injured, fled, duration..." }),
    qualifier: t.field({
      type: Qualifier,
      nullable: true,
      select: { columns: { qualifier: true } },
      resolve: (f) => f.qualifier as (typeof QUALIFIERS)[number] | null,
    }),
    text: t.exposeString("text", { description: "Verbatim evidence." }),
    article: t.relation("article"),
    start: t.exposeInt("start"),
    end: t.exposeInt("end"),
  }),
});

interface FigureArgs {
  measure?: string | null;
  unit?: string | null;
}

function figureFilter(args: FigureArgs): TableFilter<typeof figures> {
  return allOf<typeof figures>(
    args.measure != null && ((t) => eq(t.measure, args.measure!)),
    args.unit != null && ((t) => eq(t.unit, args.unit!)),
  );
}

builder.queryFields((t) => ({
  figures: t.drizzleConnection({
    type: "figures",
    description: "Reported figures, newest first.",
    args: { measure: t.arg.string(), unit: t.arg.string() },
    totalCount: (_parent, args, ctx) => ctx.db.$count(figures, figureFilter(args)(figures)),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.query.figures.findMany(inlinePageSizes(query({ where: { RAW: (table) => figureFilter(args)(table)! }, orderBy: { id: "desc" } }))),
  }),
}));
