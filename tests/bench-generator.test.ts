// The benchmark's bulk loader (bench/generator.ts) must write exactly the rows the real ingest
// path (storeArticle) writes for the same articles, or the benchmark measures another database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBaseArticles } from "../bench/corpus.js";
import { BulkLoader, type SyntheticArticle, synthesize } from "../bench/generator.js";
import type { ExtractedArticle } from "../src/extract/types.js";
import { storeArticle } from "../src/ingest/pipeline.js";
import { meetingReport, protestReport } from "./helpers/fixtures.js";
import { type TestStore, storeFactories } from "./helpers/stores.js";

type Row = Record<string, unknown>;

// Each table's rows in id order, timestamps left out; ids become ranks (both paths insert in the
// same order, but ON CONFLICT in the real path burns identity values), foreign keys follow.
const TABLES: { table: string; id: string | null; columns: string; fks: Record<string, string>; order: string }[] = [
  { table: "entities", id: "id", columns: "id, kind, name, name_key, aliases, alias_keys, role, country, place_kind, latitude, longitude", fks: {}, order: "id" },
  { table: "articles", id: "id", columns: "id, url, source, title, published_at::text, body, language, content_hash, search::text", fks: {}, order: "id" },
  { table: "events", id: "id", columns: "id, type, mode, title, date::text, place_id, status, first_reported_at::text, last_reported_at::text, summary, search::text", fks: { place_id: "entities" }, order: "id" },
  { table: "event_mentions", id: "id", columns: 'id, event_id, article_id, evidence, sentence, start, "end", search::text', fks: { event_id: "events", article_id: "articles" }, order: "id" },
  { table: "event_participants", id: null, columns: "event_id, entity_id", fks: { event_id: "events", entity_id: "entities" }, order: "event_id, entity_id" },
  { table: "article_entities", id: null, columns: "article_id, entity_id", fks: { article_id: "articles", entity_id: "entities" }, order: "article_id, entity_id" },
  { table: "quotes", id: "id", columns: 'id, article_id, speaker_id, text, start, "end", search::text', fks: { article_id: "articles", speaker_id: "entities" }, order: "id" },
  { table: "figures", id: "id", columns: 'id, article_id, value, unit, measure, qualifier, text, start, "end"', fks: { article_id: "articles" }, order: "id" },
  { table: "feed_entries", id: "seq", columns: "seq, kind, event_id, article_id", fks: { event_id: "events", article_id: "articles" }, order: "seq" },
];

async function normalizedDump(store: TestStore): Promise<Record<string, Row[]>> {
  const ranks: Record<string, Map<number, number>> = {};
  const dump: Record<string, Row[]> = {};
  for (const { table, id, columns, fks, order } of TABLES) {
    const rows = await store.rows<Row>(`select ${columns} from ${table} order by ${order}`);
    if (id) ranks[table] = new Map(rows.map((r, i) => [Number(r[id]), i + 1]));
    const mapped = rows.map((r) => {
      const out: Row = { ...r };
      if (id) out[id] = ranks[table].get(Number(r[id]));
      for (const [column, target] of Object.entries(fks)) if (r[column] != null) out[column] = ranks[target].get(Number(r[column]));
      // `select distinct` in the merge leaves alias order unspecified: compare them as sets.
      for (const column of ["aliases", "alias_keys"]) if (Array.isArray(r[column])) out[column] = [...(r[column] as string[])].sort();
      if (typeof r.summary === "string") out.summary = JSON.parse(r.summary);
      return out;
    });
    // Link tables: order by the ranks, not by the raw ids.
    if (!id) mapped.sort((a, b) => JSON.stringify(Object.values(a)).localeCompare(JSON.stringify(Object.values(b))));
    dump[table] = mapped;
  }
  return dump;
}

/** A sample that exercises every merge rule: real articles reused under close dates, alias merges, a duplicate. */
function sample(): SyntheticArticle[] {
  const { articles } = loadBaseArticles(60, { cache: false });
  const bases = articles.map((a) => a.extracted).filter((e) => e.events.length > 0 && e.entities.people.length > 0).slice(0, 8);
  const synthetic = [...take(synthesize(bases, { seed: 7, startDate: "2022-04-20", spanDays: 20 }), 24)];
  const fixture = (extracted: ExtractedArticle, url: string): SyntheticArticle => ({ origin: { url, source: null }, extracted });
  return [
    fixture(meetingReport(), "https://www.example.org/meeting"),
    ...synthetic.slice(0, 12),
    fixture(protestReport(), "https://example.net/protest"),
    // Same text again under another URL: a duplicate, written nowhere.
    fixture(meetingReport(), "https://www.example.org/meeting-again"),
    ...synthetic.slice(12),
    fixture({ ...meetingReport(), body: meetingReport().body + " More to follow.", publishedAt: "2022-05-05" }, "https://example.com/meeting-2"),
  ];
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  for (const item of items) {
    yield item;
    if (--n === 0) return;
  }
}

describe.each(storeFactories)("bulk loader ($kind)", (factory) => {
  let viaIngest: TestStore;
  let viaBulk: TestStore;
  let articles: SyntheticArticle[];
  let stored = 0;

  beforeAll(async () => {
    articles = sample();
    [viaIngest, viaBulk] = [await factory.open(), await factory.open()];
  }, 120_000);
  afterAll(async () => {
    await viaIngest?.destroy();
    await viaBulk?.destroy();
  });

  it("writes the same rows as storeArticle, article by article", async () => {
    let duplicates = 0;
    for (const { origin, extracted } of articles) if ((await storeArticle(viaIngest.db, origin, extracted)).duplicate) duplicates++;
    const loader = new BulkLoader(viaBulk, { batchSize: 5 });
    await loader.assertEmpty();
    for (const { origin, extracted } of articles) await loader.add(origin, extracted);
    await loader.finish();

    const [expected, actual] = [await normalizedDump(viaIngest), await normalizedDump(viaBulk)];
    // The sample is worth comparing: merges across articles, alias merges and a duplicate happened.
    expect(duplicates).toBeGreaterThanOrEqual(1);
    expect(loader.duplicates).toBe(duplicates);
    expect(expected.articles).toHaveLength(articles.length - duplicates);
    stored = expected.articles.length;
    expect(expected.event_mentions.length).toBeGreaterThan(expected.events.length);
    expect(expected.entities.some((e) => (e.aliases as string[]).includes("Kiev"))).toBe(true);
    expect(expected.quotes.length).toBeGreaterThan(0);
    for (const { table } of TABLES) expect(actual[table], table).toEqual(expected[table]);
  }, 120_000);

  it("moves identities past the ids it used, so the real ingest can go on after it", async () => {
    const extracted = { ...protestReport(), body: protestReport().body + " Talks resume next week." };
    const result = await storeArticle(viaBulk.db, { url: "https://example.com/after-bulk", source: null }, extracted);
    const [max] = await viaBulk.rows<{ n: number }>("select max(id)::int as n from articles");
    expect(result.duplicate).toBe(false);
    expect(result.articleId).toBe(max.n);
    expect(result.articleId).toBe(stored + 1);
  });
});
