import { describe, expect, it } from "vitest";
import { fanoutStats } from "../src/feed/fanout.js";
import { graphql } from "./helpers/graphql.js";
import { serverFixture, until } from "./helpers/server.js";
import { storeFactories } from "./helpers/stores.js";
import { type Collector, subscribeSse, subscribeWs } from "./helpers/subscribers.js";

const ADDED = `subscription ($type: EventType) { eventAdded(type: $type) { cursor kind node { id title } } }`;
const ADDED_WIDER = `subscription { eventAdded { cursor node { title type place { name } } } }`;
const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestArticlePayload { addedEvents { id title type } } ... on IngestError { code message } }
}`;

function report(city: string, day: string) {
  return (
    `Ministers meet in ${city}\n\n${city.toUpperCase()}, March 8 (Reuters) - The foreign ministers of Norway and Germany ` +
    `met in ${city} on ${day} to discuss grain exports, officials said.\n\nPolice arrested 12 protesters outside the venue.`
  );
}

type Edge = { cursor: string; kind?: string; node: { id?: string; title: string; type?: string; place?: { name: string } | null } };
const pick = (data: any): Edge => data.eventAdded;

describe.each(storeFactories.filter((f) => f.kind === "pglite"))("shared subscription execution on $kind", (factory) => {
  const fixture = serverFixture(factory);

  it("executes an operation once per feed entry for all its subscribers; other operations and variables get their own results", async () => {
    const same: Collector<Edge>[] = [
      ...Array.from({ length: 45 }, () => subscribeWs(fixture.server.url, ADDED, pick)),
      ...Array.from({ length: 5 }, () => subscribeSse(fixture.server.url, ADDED, pick)),
    ];
    const consult = Array.from({ length: 3 }, () => subscribeWs(fixture.server.url, ADDED, pick, { type: "CONSULT" }));
    const wider = Array.from({ length: 3 }, () => subscribeWs(fixture.server.url, ADDED_WIDER, pick));
    await until(() => fixture.server.feed.subscriberCount === 56, "56 subscribers");

    const eventLoads: string[] = [];
    const stop = fixture.store.onQuery((query) => {
      if (/from "events" as "d0"/.test(query)) eventLoads.push(query);
    });
    const executionsBefore = fanoutStats.executions;
    const result = await graphql(fixture.server.url, INGEST, { input: { text: report("Oslo", "Tuesday") } });
    const added = result.data.ingestArticle.addedEvents as { id: string; title: string; type: string }[];
    expect(added.length).toBeGreaterThan(1);
    const consultEvents = added.filter((e) => e.type === "CONSULT");
    expect(consultEvents.length).toBeGreaterThan(0);
    expect(consultEvents.length).toBeLessThan(added.length);

    const received = await Promise.all(same.map((s) => s.waitFor(added.length)));
    const consultReceived = await Promise.all(consult.map((s) => s.waitFor(consultEvents.length)));
    const widerReceived = await Promise.all(wider.map((s) => s.waitFor(added.length)));
    stop();

    // One execution per (entry, operation): 50 identical subscribers share theirs, the CONSULT
    // subscribers execute only their matching entries, the wider selection executes its own.
    expect(fanoutStats.executions - executionsBefore).toBe(added.length + consultEvents.length + added.length);
    // The mutation's payload loads its events once; the feed then loads each entry once per selection.
    expect(eventLoads.length).toBeLessThanOrEqual(1 + 2 * added.length);

    // Every identical subscriber got the same, correct results, in order, with distinct cursors.
    const expected = added.map((e) => ({ kind: "ADDED", node: { id: e.id, title: e.title } }));
    for (const events of received) {
      expect(events.map(({ kind, node }) => ({ kind, node }))).toEqual(expected);
      expect(new Set(events.map((e) => e.cursor)).size).toBe(added.length);
      expect(events.map((e) => e.cursor)).toEqual(received[0].map((e) => e.cursor));
    }
    // Variables are part of the key: the filtered subscribers got only CONSULT events.
    for (const events of consultReceived) {
      expect(events.map((e) => e.node.title)).toEqual(consultEvents.map((e) => e.title));
      expect(events.map((e) => e.cursor)).toEqual(
        received[0].filter((e) => consultEvents.some((c) => c.id === e.node.id)).map((e) => e.cursor),
      );
    }
    // The document is part of the key: the wider selection got its own fields.
    for (const events of widerReceived) {
      expect(events.map((e) => e.node.title)).toEqual(added.map((e) => e.title));
      expect(events.map((e) => e.node.type)).toEqual(added.map((e) => e.type));
      expect(events.every((e) => e.node.id === undefined && e.kind === undefined)).toBe(true);
      expect(events.some((e) => e.node.place?.name === "Oslo")).toBe(true);
    }
    // Nothing more arrives: exactly once.
    await new Promise((r) => setTimeout(r, 200));
    expect(same.every((s) => s.received.length === added.length)).toBe(true);
    expect(consult.every((s) => s.received.length === consultEvents.length)).toBe(true);

    await Promise.all([...same, ...consult, ...wider].map((s) => s.close()));
    await until(() => fixture.server.feed.subscriberCount === 0, "unsubscribed");
  });

  it("still reports a subscribe error per subscriber", async () => {
    const bad = subscribeWs(fixture.server.url, `subscription { eventAdded(after: "nope") { cursor } }`, pick);
    await expect(bad.waitFor(1, 5_000)).rejects.toThrow(/cursor/);
    await bad.close();
  });
});
