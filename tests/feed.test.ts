import { mkdtempSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient as createWsClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { decodeFeedCursor } from "../src/feed/hub.js";
import { ingestArticle } from "../src/ingest/pipeline.js";
import { graphql } from "./helpers/graphql.js";
import { serverFixture, until } from "./helpers/server.js";
import { runCli, startServerProcess } from "./helpers/processes.js";
import { storeFactories } from "./helpers/stores.js";
import { subscribeSse, subscribeWs } from "./helpers/subscribers.js";

const EVENT_ADDED = `subscription ($type: EventType, $participant: String, $place: String, $after: String) {
  eventAdded(type: $type, participant: $participant, place: $place, after: $after) {
    cursor kind node { title type date place { name } participants { name } mentions { edges { node { article { title } } } } }
  }
}`;
type Added = {
  cursor: string;
  kind: string;
  node: { title: string; type: string; date: string | null; place: { name: string } | null; mentions: { edges: { node: { article: { title: string } } }[] } };
};
const articleTitles = (e: Added) => e.node.mentions.edges.map((m) => m.node.article.title);
const pick = (data: any): Added => data.eventAdded;

const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestArticlePayload { addedEvents { title type } } ... on IngestError { code message } }
}`;

/** Invented reports (not the seeds), each with a meeting and an arrest. */
function report(city: string, day: string) {
  return (
    `Ministers meet in ${city}\n\n${city.toUpperCase()}, March 8 (Reuters) - The foreign ministers of Norway and Germany ` +
    `met in ${city} on ${day} to discuss grain exports, officials said.\n\nPolice arrested 12 protesters outside the venue.`
  );
}


describe.each(storeFactories)("live event feed on $kind", (factory) => {
  const fixture = serverFixture(factory);

  it("pushes events of an ingestArticle mutation to SSE and WebSocket subscribers, with filters", async () => {
    const sse = subscribeSse(fixture.server.url, EVENT_ADDED, pick);
    const ws = subscribeWs(fixture.server.url, EVENT_ADDED, pick);
    const consultOnly = subscribeWs(fixture.server.url, EVENT_ADDED, pick, { type: "CONSULT" });
    const inGeneva = subscribeSse(fixture.server.url, EVENT_ADDED, pick, { place: "Geneva" });
    const elsewhere = subscribeWs(fixture.server.url, EVENT_ADDED, pick, { place: "Lisbon" });
    await until(() => fixture.server.feed.subscriberCount === 5, "five subscribers");

    const result = await graphql(fixture.server.url, INGEST, { input: { text: report("Geneva", "Monday") } });
    const added = result.data.ingestArticle.addedEvents as { title: string; type: string }[];
    expect(added.map((e) => e.type)).toContain("CONSULT");

    for (const subscriber of [sse, ws]) {
      const events = await subscriber.waitFor(added.length);
      expect(events.map((e) => e.node.title)).toEqual(added.map((e) => e.title));
      expect(events.every((e) => e.kind === "ADDED" && e.cursor.length > 0)).toBe(true);
    }
    const [consult] = await consultOnly.waitFor(1);
    expect(consult.node).toMatchObject({ type: "CONSULT", date: "2022-03-07", place: { name: "Geneva" } });
    await inGeneva.waitFor(1);
    expect(inGeneva.received.every((e) => e.node.place?.name === "Geneva")).toBe(true);
    // Deliveries are in order, so once a later ingest has arrived nothing else is on its way.
    await graphql(fixture.server.url, INGEST, { input: { text: report("Lisbon", "Tuesday") } });
    await elsewhere.waitFor(1);
    await consultOnly.waitFor(2);
    expect(consultOnly.received.map((e) => e.node.type)).toEqual(["CONSULT", "CONSULT"]);
    expect(elsewhere.received.map((e) => e.node.place?.name)).toEqual(["Lisbon"]);
    await Promise.all([sse, ws, consultOnly, inGeneva, elsewhere].map((s) => s.close()));
    await until(() => fixture.server.feed.subscriberCount === 0, "subscribers to leave");
  });

  it("streams GraphQL over SSE as text: a ping first, one `next` event per entry, field errors as errors, and leaves the feed with the client", async () => {
    // One stream that selects what it may, one whose nested page argument fails at execution.
    const good = rawSse(fixture.server.url, "subscription { eventAdded { kind node { title } } }");
    const failing = rawSse(fixture.server.url, "subscription { eventAdded { kind node { title mentions(first: -1) { edges { cursor } } } } }");
    try {
      await until(() => fixture.server.feed.subscriberCount === 2, "two SSE streams");
      const result = await graphql(fixture.server.url, INGEST, { input: { text: report("Tallinn", "Friday") } });
      const titles = (result.data.ingestArticle.addedEvents as { title: string }[]).map((e) => e.title);
      expect(titles.length).toBeGreaterThan(1);

      const events = (text: string) => text.split("\n\n").slice(0, -1).filter((event) => event.startsWith("event: "));
      await until(() => events(good.text()).length === titles.length && events(failing.text()).length === titles.length, "every entry on both streams");
      for (const stream of [good, failing]) {
        expect(stream.headers().get("content-type")).toBe("text/event-stream");
        expect(stream.text().startsWith(":\n\n")).toBe(true);
        for (const event of events(stream.text())) expect(event).toMatch(/^event: next\ndata: \{.*\}$/s);
      }
      const payloads = (stream: typeof good) => events(stream.text()).map((event) => JSON.parse(event.slice("event: next\ndata: ".length)));
      expect(payloads(good).map((p) => p.data.eventAdded.node.title)).toEqual(titles);
      expect(payloads(good).every((p) => p.errors === undefined)).toBe(true);
      for (const payload of payloads(failing)) {
        expect(payload.data).toEqual({ eventAdded: { kind: "ADDED", node: null } });
        expect(payload.errors).toEqual([{ message: 'Argument "first" must be a non-negative integer', locations: [{ line: 1, column: 34 }], path: ["eventAdded", "node"] }]);
      }

      // A client that goes away ends its feed subscription; the other streams on.
      failing.close();
      await until(() => fixture.server.feed.subscriberCount === 1, "the closed stream to leave the feed");
    } finally {
      good.close();
      failing.close();
    }
    await until(() => fixture.server.feed.subscriberCount === 0, "no subscribers");
  });

  it("holds back an SSE client that stops reading, then gives it every entry once, in order, while others stream on", async () => {
    // Each entry's payload carries the article body many times over (aliases), so that a few
    // entries fill the client's socket buffers and the server's response and stream buffers.
    const bodies = Array.from({ length: 15 }, (_, i) => `b${i}: body`).join(" ");
    const query = `subscription { eventAdded { cursor node { mentions(first: 1) { edges { node { article { ${bodies} } } } } } } }`;
    const url = new URL(fixture.server.url);
    let slowText = "";
    let slowResponse: IncomingMessage | null = null;
    const slow = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" } }, (response) => {
      slowResponse = response;
      response.pause();
    });
    slow.on("error", () => {});
    slow.end(JSON.stringify({ query }));
    const fast = subscribeWs(fixture.server.url, "subscription { eventAdded { cursor } }", (data) => data.eventAdded.cursor as string);
    try {
      await until(() => slowResponse !== null && fixture.server.feed.subscriberCount === 2, "both subscribers");
      const filler = "The talks went on behind closed doors for most of the day. ".repeat(3_000); // ~180 KB
      let cursors = 0;
      for (const city of ["Riga", "Vilnius", "Warsaw"]) {
        const result = await graphql(fixture.server.url, INGEST, { input: { text: `${report(city, "Monday")}\n\n${filler}` } });
        cursors += result.data.ingestArticle.addedEvents.length;
      }
      // Some 30 MB for the slow client; the other subscriber gets everything meanwhile.
      const fastCursors = await fast.waitFor(cursors);

      slowResponse!.setEncoding("utf8");
      slowResponse!.on("data", (chunk: string) => (slowText += chunk));
      slowResponse!.resume();
      // Complete events only: the text after the last blank line may still be arriving.
      const events = () => slowText.split("\n\n").slice(0, -1).filter((event) => event.startsWith("event: next\ndata: "));
      await until(() => events().length === cursors, "every entry on the slow stream", 30_000);
      const slowCursors = events().map((event) => JSON.parse(event.slice("event: next\ndata: ".length)).data.eventAdded.cursor as string);
      expect(slowCursors).toEqual(fastCursors);
      expect(new Set(slowCursors).size).toBe(cursors);
    } finally {
      slow.destroy();
      await fast.close();
    }
    await until(() => fixture.server.feed.subscriberCount === 0, "no subscribers");
  });

  it("replays from a cursor, then continues live, each event once", async () => {
    const cursorBefore = (await graphql(fixture.server.url, `{ eventFeedCursor }`)).data.eventFeedCursor as string;
    const vienna = await graphql(fixture.server.url, INGEST, { input: { text: report("Vienna", "Wednesday") } });
    const viennaCount = vienna.data.ingestArticle.addedEvents.length;
    expect(viennaCount).toBeGreaterThan(0);
    const resumed = subscribeWs(fixture.server.url, EVENT_ADDED, pick, { after: cursorBefore });
    await resumed.waitFor(viennaCount);
    const prague = await graphql(fixture.server.url, INGEST, { input: { text: report("Prague", "Thursday") } });
    const pragueCount = prague.data.ingestArticle.addedEvents.length;
    const received = await resumed.waitFor(viennaCount + pragueCount);
    const sources = received.map((e) => articleTitles(e)[0]);
    expect(sources).toEqual([...Array(viennaCount).fill("Ministers meet in Vienna"), ...Array(pragueCount).fill("Ministers meet in Prague")]);
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.received).toHaveLength(viennaCount + pragueCount);
    const cursors = received.map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    await resumed.close();
  });

  it("loads an event once for all subscribers that select the same fields", async () => {
    // Live subscribers, no cursor: a subscriber still replaying from a cursor when the ingest commits
    // reads the new entry from the log itself, as a row of its own, and loads its event on its own.
    const subscribers = Array.from({ length: 20 }, () => subscribeWs(fixture.server.url, EVENT_ADDED, pick));
    await until(() => fixture.server.feed.subscriberCount === 20, "twenty subscribers");
    const eventLoads: string[] = [];
    const stop = fixture.store.onQuery((query) => {
      if (/from "events" as "d0"/.test(query)) eventLoads.push(query);
    });
    const result = await graphql(fixture.server.url, INGEST, { input: { text: report("Madrid", "Sunday") } });
    const added = result.data.ingestArticle.addedEvents.length;
    expect(added).toBeGreaterThan(0);
    for (const subscriber of subscribers) await subscriber.waitFor(added);
    stop();
    // The mutation's own payload selects its events once; each feed entry adds one load, not twenty.
    expect(eventLoads.length).toBeLessThanOrEqual(1 + added);
    await Promise.all(subscribers.map((s) => s.close()));
  });

  it("delivers to more subscribers than one fan-out slice, each entry once, with idle WebSocket operations not pulling", async () => {
    // 300 operations on one WebSocket (the hub hands entries out 256 subscribers at a time) and two SSE streams.
    const client = createWsClient({ url: fixture.server.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    const received: string[][] = Array.from({ length: 300 }, () => []);
    const unsubscribes = received.map((titles) =>
      client.subscribe<{ eventAdded: Added }>({ query: EVENT_ADDED }, {
        next: (value) => titles.push(value.data!.eventAdded.node.title),
        error: (error) => titles.push(`error: ${JSON.stringify(error)}`),
        complete: () => {},
      }),
    );
    const sse = [subscribeSse(fixture.server.url, EVENT_ADDED, pick), subscribeSse(fixture.server.url, EVENT_ADDED, pick)];
    await until(() => fixture.server.feed.subscriberCount === 302, "302 subscribers");

    const result = await graphql(fixture.server.url, INGEST, { input: { text: report("Valletta", "Tuesday") } });
    const titles = (result.data.ingestArticle.addedEvents as { title: string }[]).map((e) => e.title);
    expect(titles.length).toBeGreaterThan(0);
    await until(() => received.every((r) => r.length >= titles.length), "every WebSocket operation's events");
    for (const subscriber of sse) expect((await subscriber.waitFor(titles.length)).map((e) => e.node.title)).toEqual(titles);
    // Nothing twice, nothing else.
    for (const r of received) expect(r).toEqual(titles);
    // Between entries no subscriber, WebSocket or SSE, waits in a pending next(): they wait on the hub's readiness.
    expect(fixture.server.feed.pullingCount).toBe(0);

    for (const unsubscribe of unsubscribes) unsubscribe();
    await client.dispose();
    await Promise.all(sse.map((s) => s.close()));
    await until(() => fixture.server.feed.subscriberCount === 0, "no subscribers");
  });

  it("refuses a subscription with a malformed cursor", async () => {
    const bad = subscribeWs(fixture.server.url, EVENT_ADDED, pick, { after: "not-a-cursor" });
    await expect(bad.waitFor(1, 5_000)).rejects.toThrow(/cursor/);
    await bad.close();
  });

  it("delivers an ingest by the CLI from another process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "newsgraph-feed-"));
    const file = join(dir, "athens.txt");
    writeFileSync(file, report("Athens", "Friday"));
    const cursor = (await graphql(fixture.server.url, `{ eventFeedCursor }`)).data.eventFeedCursor as string;
    const subscriber = subscribeSse(fixture.server.url, EVENT_ADDED, pick, { after: cursor });
    // On PGlite only the server process can open the database: the CLI goes through its API.
    const cli = fixture.store.databaseUrl
      ? await runCli(["ingest", file], { DATABASE_URL: fixture.store.databaseUrl })
      : await runCli(["ingest", "--server", fixture.server.url, file]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(/1 stored/);
    const [event] = await subscriber.waitFor(1);
    expect(articleTitles(event)).toEqual(["Ministers meet in Athens"]);
    await subscriber.close();
  });
});

describe.each(storeFactories.filter((f) => f.kind === "postgres"))("live event feed across processes on $kind", (factory) => {
  const fixture = serverFixture(factory);

  it("serves subscribers of several server processes on one database", async () => {
    const other = await startServerProcess({ DATABASE_URL: fixture.store.databaseUrl! });
    try {
      const cursor = (await graphql(fixture.server.url, `{ eventFeedCursor }`)).data.eventFeedCursor as string;
      const here = subscribeWs(fixture.server.url, EVENT_ADDED, pick, { after: cursor });
      const there = subscribeSse(other.url, EVENT_ADDED, pick, { after: cursor });
      const dir = mkdtempSync(join(tmpdir(), "newsgraph-feed-"));
      writeFileSync(join(dir, "oslo.txt"), report("Oslo", "Saturday"));
      const cli = await runCli(["ingest", dir], { DATABASE_URL: fixture.store.databaseUrl! });
      expect(cli.code, cli.stderr).toBe(0);
      const [a] = await here.waitFor(1);
      const [b] = await there.waitFor(1);
      expect(articleTitles(a)).toEqual(["Ministers meet in Oslo"]);
      expect(b).toEqual(a);
      await Promise.all([here.close(), there.close()]);

      // A client that leaves one process resumes on the other from its cursor, missing nothing.
      writeFileSync(join(dir, "bergen.txt"), report("Bergen", "Sunday"));
      expect((await runCli(["ingest", dir], { DATABASE_URL: fixture.store.databaseUrl! })).code).toBe(0);
      const resumed = subscribeSse(other.url, EVENT_ADDED, pick, { after: a.cursor });
      const [{ n }] = await fixture.store.rows<{ n: number }>(`select count(*)::int as n from feed_entries where kind = 'added' and seq > $1`, [
        decodeFeedCursor(a.cursor),
      ]);
      const rest = await resumed.waitFor(n);
      expect(rest.map((e) => articleTitles(e)[0]).at(-1)).toBe("Ministers meet in Bergen");
      expect(rest.every((e) => decodeFeedCursor(e.cursor)! > decodeFeedCursor(a.cursor)!)).toBe(true);
      await resumed.close();
    } finally {
      await other.stop();
    }
  });

  it("re-establishes a dropped LISTEN connection and delivers what was committed meanwhile", async () => {
    const subscriber = subscribeWs(fixture.server.url, EVENT_ADDED, pick);
    await until(() => fixture.server.feed.subscriberCount === 1, "the subscriber");
    const listeners = `from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`;
    const dropped = await fixture.store.rows(`select pg_terminate_backend(pid) ${listeners}`);
    expect(dropped).toHaveLength(1);
    // Committed while the process is not listening: no NOTIFY reaches it for this one.
    await ingestArticle(fixture.store.db, { text: report("Tromso", "Monday") });
    const [first] = await subscriber.waitFor(1);
    expect(articleTitles(first)).toEqual(["Ministers meet in Tromso"]);
    // The listener is back for what comes next.
    const deadline = Date.now() + 15_000;
    while ((await fixture.store.rows(`select 1 ${listeners}`)).length === 0) {
      if (Date.now() > deadline) throw new Error("LISTEN was not re-established");
      await new Promise((r) => setTimeout(r, 100));
    }
    const narvik = await ingestArticle(fixture.store.db, { text: report("Narvik", "Tuesday") });
    const fromNarvik = () => subscriber.received.filter((e) => articleTitles(e)[0] === "Ministers meet in Narvik").length;
    await until(() => fromNarvik() === narvik.addedEventIds.length, "the next article's events");
    await subscriber.close();
  });
});

/** A GraphQL-over-SSE request whose response text is kept as it arrives. */
function rawSse(url: string, query: string) {
  const controller = new AbortController();
  let text = "";
  let headers = new Headers();
  void fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  })
    .then(async (response) => {
      headers = response.headers;
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
    })
    .catch(() => {});
  return { text: () => text, headers: () => headers, close: () => controller.abort() };
}
