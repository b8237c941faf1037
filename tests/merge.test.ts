import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rememberEvent, SUMMARY_CACHE_LIMIT, summaryCacheOf } from "../src/ingest/merge.js";
import { ingestArticle } from "../src/ingest/pipeline.js";
import { graphql } from "./helpers/graphql.js";
import { serverFixture, until } from "./helpers/server.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";
import { subscribeWs } from "./helpers/subscribers.js";

/**
 * Invented reports: a meeting announced and then reported (one event), and two phone calls
 * between the same presidents three weeks apart (two events).
 */
const REPORTS: Record<string, string> = {
  announced:
    "Chile and Peru to hold talks in Lima\n\nJune 6, 2022\n\nChile's Foreign Minister Lucia Ferrer will meet her Peruvian counterpart Mateo Ibarra in Lima on Thursday, June 9, the two governments said.",
  reported:
    "Chile and Peru ministers meet in Lima\n\nJune 10, 2022\n\nChilean Foreign Minister Lucia Ferrer and Peruvian Foreign Minister Mateo Ibarra met in Lima on Thursday to discuss border trade.",
  firstCall:
    "Presidents of Chile and Peru speak by phone\n\nMay 3, 2022\n\nChilean President Andres Molina held a phone call with Peruvian President Sofia Varela on Monday, May 2, to discuss fishing rights.",
  secondCall:
    "Chile and Peru leaders speak again\n\nMay 24, 2022\n\nChilean President Andres Molina held a phone call with Peruvian President Sofia Varela on Monday, May 23, three weeks after their last call.",
};

/** The stored clusters as sets of article titles, independent of ids and ingest order. */
async function clusters(store: TestStore, type?: string): Promise<string[]> {
  const rows = await store.rows<{ titles: string[] }>(
    `select array_agg(a.title order by a.title) as titles from events e
     join event_mentions m on m.event_id = e.id join articles a on a.id = m.article_id
     ${type ? "where e.type = $1" : ""} group by e.id`,
    type ? [type] : [],
  );
  return rows.map((r) => r.titles.join(" | ")).sort();
}

const ORDERS = [
  ["announced", "reported", "firstCall", "secondCall"],
  ["secondCall", "reported", "firstCall", "announced"],
  ["firstCall", "announced", "secondCall", "reported"],
];

describe.each(storeFactories)("merging events across articles on $kind", (factory) => {
  /** Runs `use` on a new store of this kind, destroyed afterwards. */
  async function withStore(use: (store: TestStore) => Promise<void>): Promise<void> {
    const store = await factory.open();
    try {
      await use(store);
    } finally {
      await store.destroy();
    }
  }

  it("gives the same clusters whatever the ingest order: one meeting, two calls", async () => {
    const results: string[][] = [];
    for (const order of ORDERS) {
      await withStore(async (store) => {
        for (const name of order) await ingestArticle(store.db, { text: REPORTS[name] });
        results.push(await clusters(store, "CONSULT"));
      });
    }
    expect(results[0]).toEqual([
      "Chile and Peru leaders speak again",
      "Chile and Peru ministers meet in Lima | Chile and Peru to hold talks in Lima",
      "Presidents of Chile and Peru speak by phone",
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);

    // All four at once, each in its own transaction (as `newsgraph ingest` keeps several in flight).
    await withStore(async (store) => {
      await Promise.all(ORDERS[0].map((name) => ingestArticle(store.db, { text: REPORTS[name] })));
      expect(await clusters(store, "CONSULT")).toEqual(results[0]);
    });
  });

  it("scores a stored event by its current summary when another writer changed it since it was read", async () => {
    await withStore(async (store) => {
      await ingestArticle(store.db, { text: REPORTS.announced });
      // Another process rewrites the stored meeting's summary (its date column unchanged, so it
      // stays a candidate): the ingest must score the new summary, not the one it read before.
      await store.rows(`update events set summary = jsonb_set(summary, '{date}', '"2022-06-20"') where type = 'CONSULT'`);
      await ingestArticle(store.db, { text: REPORTS.reported });
      expect(await clusters(store, "CONSULT")).toEqual(["Chile and Peru ministers meet in Lima", "Chile and Peru to hold talks in Lima"]);
    });
  });

  it("merges into a stored event's current status when another writer changed it since it was read", async () => {
    await withStore(async (store) => {
      await ingestArticle(store.db, { text: REPORTS.announced });
      // Another process marks the planned meeting as held, title unchanged. The report that it
      // happened then changes nothing but the evidence: a merge from the status the ingest cached
      // when it wrote the event (planned) would retitle it after the report.
      await store.rows(`update events set status = 'occurred' where type = 'CONSULT'`);
      await ingestArticle(store.db, { text: REPORTS.reported });
      expect(await store.rows(`select title, status from events where type = 'CONSULT'`)).toEqual([
        { title: "Chile, Lucia Ferrer and Peru to meet in Lima", status: "occurred" },
      ]);
    });
  });

  it("never trusts what a rolled-back ingest cached of the event it merged into", async () => {
    await withStore(async (store) => {
      await ingestArticle(store.db, { text: REPORTS.announced });
      // The report merges into the planned meeting (held now), then its transaction fails.
      const failing = ingestArticle(store.db, { text: REPORTS.reported }, { beforeCommit: () => Promise.reject(new Error("fails before commit")) });
      await expect(failing).rejects.toThrow("fails before commit");
      // One later write by another process: a per-row counter would now repeat the version that the
      // failed transaction's cached row carries.
      await store.rows(`update events set status = 'ongoing' where type = 'CONSULT'`);
      await ingestArticle(store.db, { text: REPORTS.reported });
      // Merged from the stored status (ongoing), so the status changes and the title follows the report.
      expect(await store.rows(`select title, status from events where type = 'CONSULT'`)).toEqual([{ title: "Chile, Ferrer and Peru meet in Lima", status: "occurred" }]);
    });
  });

  it("scores a cached candidate that reading another candidate pushes out of the full summary cache", async () => {
    await withStore(async (store) => {
      await ingestArticle(store.db, { text: REPORTS.secondCall });
      await ingestArticle(store.db, {
        text: "Spain and Portugal talk trade\n\nMay 24, 2022\n\nSpain's Trade Minister Elena Soto met Portugal's Trade Minister Rui Costa in Lisbon on Monday, May 23, to discuss cork tariffs.",
      });
      const [call, talks] = await store.rows<{ id: number }>(`select id from events where type = 'CONSULT' order by id`);
      const cache = summaryCacheOf(store.db);
      // The call's row cached and oldest, the cache full, the talks' row unknown: reading it evicts the call.
      const callRow = cache.get(call.id)!;
      cache.clear();
      rememberEvent(cache, call.id, callRow);
      for (let i = 1; cache.size < SUMMARY_CACHE_LIMIT; i++) rememberEvent(cache, -i, callRow);
      expect(cache.has(talks.id)).toBe(false);
      await ingestArticle(store.db, {
        text: "Molina and Varela spoke on Monday\n\nMay 24, 2022\n\nChilean President Andres Molina held a phone call with Peruvian President Sofia Varela on Monday, May 23, about fishing rights.",
      });
      const [{ n }] = await store.rows<{ n: number }>(`select count(*)::int as n from event_mentions where event_id = $1`, [call.id]);
      expect(n).toBe(2);
    });
  });

  it("ingests concurrently without deadlocks when articles report event types in opposite orders", async () => {
    await withStore(async (store) => {
      const meetingThenProtest = (i: number) =>
        `Report ${i}\n\nMay ${i + 1}, 2023\n\nTrade ministers of Chile and Peru met in Quito on Monday for round ${i} of talks. ` +
        `Later, thousands of farmers marched through Quito to protest against fuel prices.`;
      const protestThenMeeting = (i: number) =>
        `Report ${i + 100}\n\nMay ${i + 1}, 2023\n\nThousands of dockworkers marched through Lima on Tuesday to protest against low wages. ` +
        `Later, trade ministers of Spain and Portugal met in Lima for round ${i + 100} of talks.`;
      const texts = Array.from({ length: 8 }, (_, i) => [meetingThenProtest(i), protestThenMeeting(i)]).flat();
      const results = await Promise.allSettled(
        texts.map((text) => ingestArticle(store.db, { text }, { beforeCommit: () => new Promise((r) => setTimeout(r, 20)) })),
      );
      const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
      const [{ n }] = await store.rows<{ n: number }>("select count(*)::int as n from articles");
      expect(n).toBe(texts.length);
    });
  });

  it("makes the seed articles' foreign ministers' meeting one event with five mentions, in either order", async () => {
    const dir = new URL("../seeds/", import.meta.url).pathname;
    const files = readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();
    for (const order of [files, [...files].reverse()]) {
      await withStore(async (store) => {
        for (const file of order) await ingestArticle(store.db, { text: readFileSync(join(dir, file), "utf8") });
        const [biggest] = await store.rows<{ type: string; date: string; mentions: number; articles: number }>(
          `select e.type, e.date::text as date, count(*)::int as mentions, count(distinct m.article_id)::int as articles
           from events e join event_mentions m on m.event_id = e.id group by e.id order by count(*) desc limit 1`,
        );
        expect(biggest).toEqual({ type: "CONSULT", date: "2022-03-10", mentions: 5, articles: 5 });
      });
    }
  });
});

describe.each(storeFactories)("eventUpdated on $kind", (factory) => {
  const fixture = serverFixture(factory);

  it("tells subscribers when a later report corroborates a planned event and it has happened", async () => {
    const ingest = `mutation ($text: String!) { ingestArticle(input: { text: $text }) {
      ... on IngestArticlePayload { addedEvents { id status } updatedEvents { id status mentionCount } } } }`;
    const announced = await graphql(fixture.server.url, ingest, { text: REPORTS.announced });
    const [meeting] = announced.data.ingestArticle.addedEvents;
    expect(meeting.status).toBe("PLANNED");

    // From the feed's position after the announcement: the announcement itself is not news to these subscribers.
    const after = (await graphql(fixture.server.url, `{ eventFeedCursor }`)).data.eventFeedCursor;
    const updates = subscribeWs(
      fixture.server.url,
      `subscription ($after: String) { eventUpdated(after: $after) { cursor kind node { id status date mentionCount sourceCount lastReportedAt } } }`,
      (data) => data.eventUpdated,
      { after },
    );
    const added = subscribeWs(fixture.server.url, `subscription ($after: String) { eventAdded(after: $after) { node { id } } }`, (data) => data.eventAdded.node.id, { after });
    await until(() => fixture.server.feed.subscriberCount === 2, "two subscribers");

    const reported = await graphql(fixture.server.url, ingest, { text: REPORTS.reported });
    expect(reported.data.ingestArticle.addedEvents).toEqual([]);
    expect(reported.data.ingestArticle.updatedEvents).toEqual([{ id: meeting.id, status: "OCCURRED", mentionCount: 2 }]);
    const [update] = await updates.waitFor(1);
    expect(update).toMatchObject({
      kind: "UPDATED",
      node: { id: meeting.id, status: "OCCURRED", date: "2022-06-09", mentionCount: 2, lastReportedAt: "2022-06-10" },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(added.received).toEqual([]);
    await Promise.all([updates.close(), added.close()]);
  });
});
