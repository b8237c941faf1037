import { eq, sql } from "drizzle-orm";
import { entities } from "../db/schema.js";
import { lookupKeys } from "../ingest/entities.js";
import { builder } from "./builder.js";
import { inlinePageSizes } from "./page-sizes.js";
import { type TableFilter, allOf } from "./filters.js";

const ENTITY_TYPE_BY_KIND: Record<string, string> = { person: "Person", place: "Place", organization: "Organization" };

/** A person, place or organization named in the news. */
export const Entity = builder.drizzleInterface("entities", {
  name: "Entity",
  select: { columns: { kind: true } },
  resolveType: (entity) => ENTITY_TYPE_BY_KIND[entity.kind],
  fields: (t) => ({
    name: t.exposeString("name", { description: "Canonical name." }),
    aliases: t.exposeStringList("aliases", { description: "Other spellings seen in articles." }),
    articles: t.relatedConnection("articles", {
      description: "Articles that name this entity, newest first.",
      query: { orderBy: { id: "desc" } },
      totalCount: true,
    }),
    events: t.relatedConnection("events", {
      description: "Events this entity takes part in, newest first.",
      query: { orderBy: { id: "desc" } },
      totalCount: true,
    }),
  }),
});

const entityId = { column: (e: typeof entities._.columns) => e.id };

export const Person = builder.drizzleNode("entities", {
  variant: "Person",
  interfaces: [Entity],
  id: entityId,
  select: { columns: { kind: true } },
  fields: (t) => ({
    role: t.exposeString("role", { nullable: true, description: 'Role as articles give it ("Foreign Minister of Ukraine").' }),
    quotes: t.relatedConnection("quotes", {
      description: "What this person said, newest first.",
      query: { orderBy: { id: "desc" } },
      totalCount: true,
    }),
  }),
});

export const Organization = builder.drizzleNode("entities", {
  variant: "Organization",
  interfaces: [Entity],
  id: entityId,
  select: { columns: { kind: true } },
  fields: (t) => ({
    quotes: t.relatedConnection("quotes", {
      description: "Statements attributed to this organization, newest first.",
      query: { orderBy: { id: "desc" } },
      totalCount: true,
    }),
  }),
});

const PlaceKind = builder.enumType("PlaceKind", { values: ["CITY", "REGION", "COUNTRY", "OTHER"] as const });

export const Place = builder.drizzleNode("entities", {
  variant: "Place",
  interfaces: [Entity],
  id: entityId,
  select: { columns: { kind: true } },
  fields: (t) => ({
    country: t.exposeString("country", { nullable: true, description: "ISO 3166-1 alpha-2 country code." }),
    placeKind: t.field({
      type: PlaceKind,
      nullable: true,
      select: { columns: { placeKind: true } },
      resolve: (place) => (place.placeKind ? (place.placeKind.toUpperCase() as "CITY") : null),
    }),
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    eventsHere: t.relatedConnection("eventsHere", {
      description: "Events that took place here, newest first.",
      query: { orderBy: { id: "desc" } },
      totalCount: true,
    }),
  }),
});

type EntitiesTable = typeof entities;

/** Entities of a kind whose canonical name contains `name`, or that have `name` as an alias. */
function entityFilter(kind: string, name: string | null | undefined, country?: string | null): TableFilter<EntitiesTable> {
  return allOf<EntitiesTable>(
    (t) => eq(t.kind, kind),
    name != null &&
      ((t) =>
        sql`(${t.aliasKeys} && ${sql.param(lookupKeys(name))}::text[] or ${t.name} ilike ${`%${name.replace(/[%_\\]/g, "\\$&")}%`})`),
    country != null && ((t) => eq(t.country, country.toUpperCase())),
  );
}

builder.queryFields((t) => {
  const nameArg = t.arg.string({ description: 'Name or alias ("Kiev" finds Kyiv); part of a canonical name also matches.' });
  const entityConnection = (kind: string, type: typeof Person | typeof Place | typeof Organization, description: string) =>
    t.drizzleConnection({
      type,
      description,
      args: { name: nameArg, ...(kind === "place" ? { country: t.arg.string({ description: "ISO country code." }) } : {}) },
      totalCount: (_parent, args, ctx) =>
        ctx.db.$count(entities, entityFilter(kind, args.name, (args as { country?: string }).country)(entities)),
      resolve: (query, _parent, args, ctx) =>
        // The variant refs' row type is the interface's selection; the planned query returns full rows.
        ctx.db.query.entities.findMany(
          inlinePageSizes(
            query({
              where: { RAW: (table) => entityFilter(kind, args.name, (args as { country?: string }).country)(table)! },
              orderBy: { name: "asc" },
            }),
          ),
        ) as unknown as Promise<{ kind: string }[]>,
    });
  return {
    people: entityConnection("person", Person, "People named in the news, by name."),
    places: entityConnection("place", Place, "Places named in the news, by name."),
    organizations: entityConnection("organization", Organization, "Organizations named in the news, by name."),
  };
});
