import { describe, expect, it } from "vitest";
import { decodeFeedCursor } from "../src/feed/hub.js";
import { ingestArticle } from "../src/ingest/pipeline.js";
import { graphql } from "./helpers/graphql.js";
import { serverFixture } from "./helpers/server.js";
import { storeFactories } from "./helpers/stores.js";
import { subscribeWs } from "./helpers/subscribers.js";

const CITIES = ["Lima", "Quito", "Bogota", "Caracas", "Santiago", "Montevideo", "Asuncion", "La Paz", "Brasilia", "Panama City"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const ARTICLES = 40;
const CLIENTS = 6;
const CONCURRENT_INGESTS = 8;

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * Invented single-event reports of four different types, so that concurrent ingests do not
 * serialise on merging events of one type: only the feed's own ordering keeps them in line.
 */
function article(i: number): string {
  const city = CITIES[i % CITIES.length];
  const day = DAYS[i % DAYS.length];
  const header = `Report ${i} from ${city}\n\nMarch ${1 + (i % 27)}, 2023\n\n`;
  switch (i % 4) {
    case 0:
      return `${header}Trade ministers of Chile and Peru met in ${city} on ${day} for round ${i} of fisheries talks.`;
    case 1:
      return `${header}Thousands of farmers marched through ${city} on ${day} to protest against fuel prices, report ${i} said.`;
    case 2:
      return `${header}An earthquake of magnitude 5.${i % 10} struck near ${city} on ${day}, damaging ${i + 2} houses.`;
    default:
      return `${header}The European Union imposed sanctions on ${i + 2} shipping companies on ${day}.`;
  }
}

const EVENT_ADDED = `subscription ($after: String) { eventAdded(after: $after) { cursor } }`;

describe.each(storeFactories)("gapless resumable feed on $kind", (factory) => {
  const fixture = serverFixture(factory);

  it("gives every resuming client every event exactly once, in cursor order, under concurrent out-of-order commits", async () => {
    const next = random(42);
    const start = (await graphql(fixture.server.url, `{ eventFeedCursor }`)).data.eventFeedCursor as string;

    let allIngested = false;
    // Clients drop their connection after a random number of events and resume from the last cursor they saw.
    let resumes = 0;
    const clients = Array.from({ length: CLIENTS }, async () => {
      const seen: number[] = [];
      let cursor = start;
      for (;;) {
        // Once every ingest had committed before this subscription began, an empty replay means the end.
        const ingestsDone = allIngested;
        const subscription = subscribeWs(fixture.server.url, EVENT_ADDED, (data) => data.eventAdded.cursor as string, { after: cursor });
        const take = 1 + Math.floor(next() * 12);
        try {
          await subscription.waitFor(take, 4_000);
        } catch {
          // Fewer events than planned before the timeout: fine once the ingests are over.
        }
        await subscription.close();
        for (const received of subscription.received) seen.push(decodeFeedCursor(received)!);
        if (subscription.received.length > 0) cursor = subscription.received.at(-1)!;
        if (ingestsDone && subscription.received.length === 0) return seen;
        resumes++;
      }
    });

    // Ingests run concurrently, each holding its transaction open for a random while before committing,
    // so transactions commit in another order than they started.
    const queue = Array.from({ length: ARTICLES }, (_, i) => i);
    const workers = Array.from({ length: CONCURRENT_INGESTS }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const delay = Math.floor(next() * 60);
        await ingestArticle(fixture.store.db, { text: article(i) }, { beforeCommit: () => new Promise((r) => setTimeout(r, delay)) });
      }
    });
    await Promise.all(workers);
    allIngested = true;

    const expected = (await fixture.store.rows<{ seq: number }>(`select seq::int as seq from feed_entries where kind = 'added' order by seq`)).map((r) => Number(r.seq));
    expect(expected.length).toBeGreaterThanOrEqual(ARTICLES);
    const results = await Promise.all(clients);
    for (const seen of results) {
      expect(seen).toEqual(expected);
    }
    expect(resumes).toBeGreaterThan(CLIENTS);
    console.info(`feed resume: ${expected.length} events, ${CLIENTS} clients, ${resumes} resumes, lost 0, duplicated 0`);
  });
});
