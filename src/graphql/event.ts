import { type SQL, eq, gte, lte, sql } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { events } from "../db/schema.js";
import { EVENT_STATUSES, PLOVER_TYPES } from "../extract/types.js";
import { decodeFeedCursor, encodeFeedCursor, type FeedEntry, type FeedKind } from "../feed/hub.js";
import { builder } from "./builder.js";
import { inlinePageSizes } from "./page-sizes.js";
import { Entity, Place } from "./entity.js";
import { type TableFilter, allOf, entityNamed, textMatches } from "./filters.js";

export const EventType = builder.enumType("EventType", {
  description: "PLOVER event type (plus DISASTER).",
  values: PLOVER_TYPES,
});

export const EventStatus = builder.enumType("EventStatus", {
  values: Object.fromEntries(EVENT_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as Record<
    "OCCURRED" | "PLANNED" | "ONGOING",
    { value: (typeof EVENT_STATUSES)[number] }
  >,
});

export const Event = builder.drizzleNode("events", {
  name: "Event",
  // Only the columns the query asks for: no body or search vectors unless selected.
  select: {},
  description: "A real-world happening, with every article that mentions it.",
  id: { column: (e) => e.id },
  fields: (t) => ({
    type: t.field({ type: EventType, select: { columns: { type: true } }, resolve: (e) => e.type as (typeof PLOVER_TYPES)[number] }),
    mode: t.exposeString("mode", { nullable: true, description: "PLOVER mode where clear (CONSULT: visit, phone, ...)." }),
    title: t.exposeString("title"),
    date: t.expose("date", { type: "Date", nullable: true, description: "When it happened or is set for." }),
    status: t.field({
      type: EventStatus,
      select: { columns: { status: true } },
      resolve: (e) => e.status as (typeof EVENT_STATUSES)[number],
    }),
    place: t.relation("place", { type: Place, nullable: true }),
    participants: t.relation("participants", { type: Entity, description: "People, organizations and countries taking part." }),
    mentions: t.relatedConnection("mentions", {
      description: "Each article's report of this event, with its evidence.",
      query: { orderBy: { id: "asc" } },
      totalCount: true,
    }),
    mentionCount: t.relatedCount("mentions"),
    sourceCount: t.int({
      description: "Distinct outlets reporting it.",
      select: {
        extras: {
          sourceCount: (table) =>
            sql<number>`(select count(distinct coalesce(a.source, a.id::text))::int
              from event_mentions m join articles a on a.id = m.article_id where m.event_id = ${table.id})`,
        },
      },
      resolve: (e) => Number(e.sourceCount),
    }),
    firstReportedAt: t.expose("firstReportedAt", { type: "Date", description: "Date of the earliest report (article date, else ingest date)." }),
    lastReportedAt: t.expose("lastReportedAt", { type: "Date", description: "Date of the latest report." }),
  }),
});

builder.drizzleObject("eventMentions", {
  name: "EventMention",
  // Only the columns the query asks for: no body or search vectors unless selected.
  select: {},
  description: "One article's report of an event: the provenance of the event.",
  fields: (t) => ({
    article: t.relation("article"),
    event: t.relation("event"),
    evidence: t.exposeString("evidence", { description: "The words that report the event." }),
    sentence: t.exposeString("sentence", { description: "The whole sentence around the evidence." }),
    start: t.exposeInt("start", { description: "Offset of the evidence in the article body." }),
    end: t.exposeInt("end", { description: "Offset one past the evidence's end." }),
  }),
});

interface EventArgs {
  type?: string | null;
  from?: string | null;
  to?: string | null;
  participant?: string | null;
  place?: string | null;
  search?: string | null;
}

function eventFilter(args: EventArgs): TableFilter<typeof events> {
  return allOf<typeof events>(
    args.type != null && ((t) => eq(t.type, args.type!)),
    args.from != null && ((t) => gte(t.date, args.from!)),
    args.to != null && ((t) => lte(t.date, args.to!)),
    args.place != null && ((t) => entityNamed(t.placeId, args.place!, "place")),
    args.participant != null &&
      ((t) => sql`${t.id} in (select ep.event_id from event_participants ep where ${entityNamed(sql.raw("ep.entity_id"), args.participant!)})`),
    args.search != null &&
      ((t): SQL =>
        sql`(${textMatches(t.search, args.search!)} or ${t.id} in (select m.event_id from event_mentions m where ${textMatches(sql.raw("m.search"), args.search!)}))`),
  );
}

builder.queryFields((t) => ({
  events: t.drizzleConnection({
    type: "events",
    description: "Events, newest first.",
    args: {
      type: t.arg({ type: EventType }),
      from: t.arg({ type: "Date", description: "On or after this date." }),
      to: t.arg({ type: "Date", description: "On or before this date." }),
      participant: t.arg.string({ description: "Name or alias of a participant." }),
      place: t.arg.string({ description: "Name or alias of the place." }),
      search: t.arg.string({ description: "Full-text search in titles and evidence sentences." }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.$count(events, eventFilter(args)(events)),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.query.events.findMany(inlinePageSizes(query({ where: { RAW: (table) => eventFilter(args)(table)! }, orderBy: { id: "desc" } }))),
  }),
}));

/** A stable key for a planned query: its columns, relations and extras by name, with their arguments. */
function selectionKey(options: unknown): string {
  return JSON.stringify(options, (_key, value) => {
    if (typeof value === "function") return "fn";
    if (value && typeof value === "object" && "getSQL" in value) return "sql";
    return value;
  });
}

const FeedKindEnum = builder.enumType("EventFeedKind", { values: { ADDED: { value: "added" }, UPDATED: { value: "updated" } } as const });

const EventFeedEdge = builder.objectRef<FeedEntry>("EventFeedEdge").implement({
  description: "One entry of the live event feed.",
  fields: (t) => ({
    cursor: t.string({ description: "Pass as `after` to resume the feed after this entry.", resolve: (e) => encodeFeedCursor(e.seq) }),
    kind: t.field({ type: FeedKindEnum, resolve: (e) => e.kind }),
    node: t.drizzleField({
      type: Event,
      resolve: (query, entry, _args, ctx) => {
        const options = query({ where: { id: entry.eventId } });
        // Subscribers asking for the same fields share one query per entry.
        const key = selectionKey(options);
        const loadRow = () => ctx.db.query.events.findFirst(inlinePageSizes(options)).then((found) => found!);
        let load = entry.sharedLoads.get(key) as ReturnType<typeof loadRow> | undefined;
        if (!load) {
          load = loadRow();
          entry.sharedLoads.set(key, load);
        }
        return load;
      },
    }),
  }),
});

function feedSubscription(kinds: FeedKind[], description: string) {
  return builder.subscriptionField(kinds[0] === "added" ? "eventAdded" : "eventUpdated", (t) =>
    t.field({
      type: EventFeedEdge,
      description,
      args: {
        type: t.arg({ type: EventType }),
        participant: t.arg.string({ description: "Name or alias of a participant." }),
        place: t.arg.string({ description: "Name or alias of the place." }),
        after: t.arg.string({ description: "Replay every entry after this cursor first, then go live." }),
      },
      subscribe: (_root, args, ctx) => {
        const afterSeq = args.after != null ? decodeFeedCursor(args.after) : null;
        if (args.after != null && afterSeq === null) {
          throw new GraphQLError(`Not a feed cursor: ${JSON.stringify(args.after)}`, { extensions: { code: "BAD_USER_INPUT" } });
        }
        return ctx.feed.subscribe({ kinds, type: args.type, participant: args.participant, place: args.place, afterSeq });
      },
      resolve: (entry) => entry,
    }),
  );
}

builder.queryField("eventFeedCursor", (t) =>
  t.string({
    description: "The feed's current position: subscribe with `after` set to it to receive everything from now on, even across reconnects.",
    resolve: async (_root, _args, ctx) => encodeFeedCursor(await ctx.feed.latestSeq()),
  }),
);

feedSubscription(["added"], "Every new event, as articles are ingested.");
feedSubscription(["updated"], "Stored events that a new article corroborated or changed.");
