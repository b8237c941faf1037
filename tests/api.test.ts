import { beforeAll, describe, expect, it } from "vitest";
import { storeArticle } from "../src/ingest/pipeline.js";
import { interviewReport, meetingReport, protestReport } from "./helpers/fixtures.js";
import { graphql } from "./helpers/graphql.js";
import { serverFixture } from "./helpers/server.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) {
    __typename
    ... on IngestError { code message }
    ... on IngestArticlePayload { duplicate article { id title source } }
  }
}`;

describe.each(storeFactories)("GraphQL API on $kind", (factory) => {
  const fixture = serverFixture(factory, { maxArticleBytes: 20_000 });
  let store: TestStore;
  let url: string;

  beforeAll(async () => {
    ({ store } = fixture);
    url = fixture.server.url;
    await storeArticle(store.db, { url: "https://news.example/berg-weber", source: "Example News" }, meetingReport());
    await storeArticle(store.db, { url: null, source: "Harbour Times" }, protestReport());
  });

  const count = async (table: string) => Number((await store.rows<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n);

  it("pages articles with relay cursors and refetches one by node(id)", async () => {
    const first = await graphql(url, `{ articles(first: 1) { totalCount edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }`);
    expect(first.errors).toBeUndefined();
    expect(first.data.articles.totalCount).toBe(2);
    expect(first.data.articles.edges[0].node.title).toBe("Dockworkers march in Oslo");
    expect(first.data.articles.pageInfo.hasNextPage).toBe(true);
    const next = await graphql(url, `query ($after: String) { articles(first: 1, after: $after) { edges { node { id title } } pageInfo { hasNextPage } } }`, {
      after: first.data.articles.pageInfo.endCursor,
    });
    expect(next.data.articles.edges.map((e: any) => e.node.title)).toEqual(["Berg and Weber to meet in Kyiv"]);
    expect(next.data.articles.pageInfo.hasNextPage).toBe(false);
    const id = next.data.articles.edges[0].node.id;
    const node = await graphql(url, `query ($id: ID!) { node(id: $id) { __typename ... on Article { title source publishedAt } } }`, { id });
    expect(node.data.node).toEqual({ __typename: "Article", title: "Berg and Weber to meet in Kyiv", source: "Example News", publishedAt: "2022-05-03" });
  });

  it("serves GraphiQL with the example operations preloaded", async () => {
    const page = await fetch(url, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    for (const operation of ["EventsFeed", "PersonPage", "LiveEvents"]) expect(html).toContain(operation);
  });

  it("finds articles by full-text search", async () => {
    const result = await graphql(url, `{ articles(search: "dockworkers wages") { totalCount edges { node { title } } } }`);
    expect(result.data.articles.totalCount).toBe(1);
    expect(result.data.articles.edges[0].node.title).toBe("Dockworkers march in Oslo");
  });

  it("filters events by type, date range, participant, place and text", async () => {
    const titles = async (args: string) => {
      const result = await graphql(url, `{ events(${args}) { totalCount edges { node { title } } } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data.events.totalCount).toBe(result.data.events.edges.length);
      return result.data.events.edges.map((e: any) => e.node.title);
    };
    expect(await titles("type: CONSULT")).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    expect(await titles("type: PROTEST")).toEqual(["Dockworkers protest in Oslo"]);
    expect(await titles(`from: "2022-05-04", to: "2022-05-31"`)).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    expect(await titles(`to: "2022-05-03"`)).toEqual(["Dockworkers protest in Oslo"]);
    expect(await titles(`participant: "Jonas Weber"`)).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    expect(await titles(`participant: "Berg"`)).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    expect(await titles(`place: "Kiev"`)).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    expect(await titles(`search: "marched"`)).toEqual(["Dockworkers protest in Oslo"]);
    expect(await titles(`type: ASSAULT`)).toEqual([]);
  });

  it("serves event provenance: mentions with article, evidence sentence and offsets", async () => {
    const result = await graphql(
      url,
      `{ events(type: CONSULT) { edges { node {
          type date status mode mentionCount sourceCount firstReportedAt lastReportedAt
          place { name country latitude longitude }
          participants { __typename name }
          mentions { edges { node { evidence sentence start end article { title body } } } }
      } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const event = result.data.events.edges[0].node;
    expect(event).toMatchObject({ type: "CONSULT", date: "2022-05-06", status: "PLANNED", mode: "visit", mentionCount: 1, sourceCount: 1 });
    expect(event.firstReportedAt).toBe("2022-05-03");
    expect(event.place).toEqual({ name: "Kyiv", country: "UA", latitude: 50.45, longitude: 30.52 });
    expect(event.participants.map((p: any) => `${p.__typename}:${p.name}`).sort()).toEqual(["Person:Anna Berg", "Person:Jonas Weber"]);
    const mention = event.mentions.edges[0].node;
    expect(mention.article.body.slice(mention.start, mention.end)).toBe(mention.evidence);
    expect(mention.sentence).toContain(mention.evidence);
  });

  it("filters quotes by speaker and text, and follows the speaker to their other quotes and events", async () => {
    const bySpeaker = await graphql(
      url,
      `{ quotes(speaker: "Berg") { totalCount edges { node { text start end article { body }
          speaker { __typename name ... on Person { role quotes { totalCount } events { edges { node { title } } } } } } } } }`,
    );
    expect(bySpeaker.errors).toBeUndefined();
    expect(bySpeaker.data.quotes.totalCount).toBe(1);
    const quote = bySpeaker.data.quotes.edges[0].node;
    expect(quote.article.body.slice(quote.start, quote.end)).toBe(quote.text);
    expect(quote.speaker).toMatchObject({ __typename: "Person", name: "Anna Berg", role: "Foreign Minister of Norway", quotes: { totalCount: 1 } });
    expect(quote.speaker.events.edges.map((e: any) => e.node.title)).toEqual(["Anna Berg and Jonas Weber meet in Kyiv"]);
    const byText = await graphql(url, `{ quotes(search: "grain corridors") { totalCount } none: quotes(search: "volcano") { totalCount } }`);
    expect(byText.data).toEqual({ quotes: { totalCount: 1 }, none: { totalCount: 0 } });
  });

  it("filters figures by measure and unit", async () => {
    const result = await graphql(
      url,
      `{ killed: figures(measure: "killed", unit: "person") { edges { node { value unit measure qualifier text } } }
         weeks: figures(unit: "week") { totalCount } }`,
    );
    expect(result.data.killed.edges.map((e: any) => e.node)).toEqual([
      { value: 1200, unit: "person", measure: "killed", qualifier: "AT_LEAST", text: "At least 1,200 people were killed" },
    ]);
    expect(result.data.weeks.totalCount).toBe(1);
  });

  it("finds entities by name or alias, and a place's events", async () => {
    const result = await graphql(
      url,
      `{ kiev: places(name: "Kiev") { edges { node { name aliases country placeKind eventsHere { edges { node { title } } } } } }
         people(name: "weber") { edges { node { name } } }
         organizations(name: "Transport Workers Union") { edges { node { name events { totalCount } articles { totalCount } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.kiev.edges).toEqual([
      { node: { name: "Kyiv", aliases: ["Kiev"], country: "UA", placeKind: "CITY", eventsHere: { edges: [{ node: { title: "Anna Berg and Jonas Weber meet in Kyiv" } }] } } },
    ]);
    expect(result.data.people.edges).toEqual([{ node: { name: "Jonas Weber" } }]);
    expect(result.data.organizations.edges).toEqual([{ node: { name: "Transport Workers Union", events: { totalCount: 1 }, articles: { totalCount: 1 } } }]);
  });

  it("keeps one row per entity across articles and spellings, and finds places by their old names", async () => {
    const report = (title: string, person: string, place: string) => ({
      ...protestReport(),
      title,
      body: `${title}: ${person} visited ${place}.`,
      entities: {
        people: [{ name: person, aliases: [], role: null }],
        places: [{ name: place, aliases: [], kind: "city" as const, country: "UA", latitude: 49.99, longitude: 36.23 }],
        organizations: [],
      },
      quotes: [],
      figures: [],
      events: [],
    });
    await storeArticle(store.db, { url: null, source: null }, report("Visit one", "Sergei Ivanenko", "Kharkiv"));
    await storeArticle(store.db, { url: null, source: null }, report("Visit two", "Sergey Ivanenko", "Kharkiv"));
    const result = await graphql(
      url,
      `{ people(name: "Sergey Ivanenko") { totalCount edges { node { name aliases articles { totalCount } } } }
         kharkov: places(name: "Kharkov") { edges { node { name } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.people).toEqual({
      totalCount: 1,
      edges: [{ node: { name: "Sergei Ivanenko", aliases: ["Sergey Ivanenko"], articles: { totalCount: 2 } } }],
    });
    expect(result.data.kharkov.edges).toEqual([{ node: { name: "Kharkiv" } }]);
  });

  it("runs a nested events page (mentions → article, participants, place) as one SQL statement", async () => {
    const statements: string[] = [];
    const stop = store.onQuery((query) => statements.push(query));
    const result = await graphql(
      url,
      `{ events(first: 20) { edges { cursor node { id title type date
          place { name } participants { name }
          mentions(first: 5) { edges { node { evidence sentence article { title source publishedAt } } } } } }
          pageInfo { hasNextPage } } }`,
    );
    stop();
    expect(result.errors).toBeUndefined();
    expect(result.data.events.edges).toHaveLength(2);
    expect(statements).toHaveLength(1);
    // Page sizes are part of the statement's text, so PostgreSQL can keep one generic plan for it;
    // a row beyond the page only where pageInfo is asked for (events, not mentions).
    expect(statements[0]).toMatch(/ limit 21\b/);
    expect(statements[0]).toMatch(/ limit 5\b/);
  });

  it("pages a nested connection for every row with that field's own arguments, aliases included", async () => {
    // The page size and cursors of a loaded connection are worked out once per request per
    // arguments: two aliases of one field with different `first` must still page differently.
    await storeArticle(store.db, { url: "https://news.example/harbour-interview", source: "Harbour Times" }, interviewReport());
    const whole = await graphql(url, `{ articles(first: 10) { edges { node { id quotes(first: 50) { edges { cursor node { id } } } } } } }`);
    const quotesOf = new Map<string, { cursor: string; id: string }[]>(
      whole.data.articles.edges.map((a: { node: { id: string; quotes: { edges: { cursor: string; node: { id: string } }[] } } }) => [
        a.node.id,
        a.node.quotes.edges.map((e) => ({ cursor: e.cursor, id: e.node.id })),
      ]),
    );
    expect([...quotesOf.values()].map((q) => q.length)).toContain(3);
    const paged = await graphql(
      url,
      `{ articles(first: 10) { edges { node { id
          one: quotes(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
          two: quotes(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } } }`,
    );
    expect(paged.errors).toBeUndefined();
    for (const { node } of paged.data.articles.edges) {
      const all = quotesOf.get(node.id)!;
      for (const [page, size] of [[node.one, 1], [node.two, 2]] as const) {
        const expected = all.slice(0, size);
        expect(page.edges.map((e: { cursor: string; node: { id: string } }) => ({ cursor: e.cursor, id: e.node.id }))).toEqual(expected);
        expect(page.pageInfo.hasNextPage).toBe(all.length > size);
        expect(page.pageInfo.endCursor).toBe(expected.at(-1)?.cursor ?? null);
      }
    }
  });

  it("reads a row beyond a page only where pageInfo is asked for, and answers the same rows either way", async () => {
    // The interview (three quotes) as the test above stores it; stored again, it is a duplicate.
    await storeArticle(store.db, { url: "https://news.example/harbour-interview", source: "Harbour Times" }, interviewReport());
    const page = async (pageInfo: string, fragments = "", rootPageInfo = pageInfo) => {
      const statements: string[] = [];
      const stop = store.onQuery((query) => statements.push(query));
      const result = await graphql(
        url,
        `{ events(first: 1) { edges { node { id } } ${rootPageInfo} }
           articles(first: 50) { edges { node { title
             forward: quotes(first: 2) { edges { node { text } } ${pageInfo} }
             backward: quotes(last: 2) { edges { node { text } } ${pageInfo} } } } } } ${fragments}`,
      );
      stop();
      expect(result.errors).toBeUndefined();
      const interview = result.data.articles.edges.find((e: { node: { title: string } }) => e.node.title === "Harbour master expects quay to reopen").node;
      const texts = (connection: { edges: { node: { text: string } }[] }) => connection.edges.map((e) => e.node.text);
      return { events: result.data.events, forward: interview.forward, backward: interview.backward, texts, sql: statements.join("\n") };
    };
    const bare = await page("");
    const probed = await page("pageInfo { hasNextPage hasPreviousPage }");
    for (const answer of [bare, probed]) {
      expect(answer.events.edges).toHaveLength(1);
      expect(answer.texts(answer.forward)).toHaveLength(2);
      expect(answer.texts(answer.backward)).toHaveLength(2);
    }
    expect(bare.events.edges).toEqual(probed.events.edges);
    expect(bare.texts(bare.forward)).toEqual(probed.texts(probed.forward));
    expect(bare.texts(bare.backward)).toEqual(probed.texts(probed.backward));
    expect(probed.forward.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(probed.backward.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    expect(probed.events.pageInfo.hasNextPage).toBe(true);
    // The statements: pages of 1 and 2 rows read as such, or with one row more to tell the pageInfo.
    expect(bare.sql).toMatch(/ desc limit 1\b/);
    expect(bare.sql).toMatch(/ limit 2\b/);
    expect(bare.sql).not.toMatch(/ limit 3\b/);
    expect(probed.sql).toMatch(/ desc limit 2\b/);
    expect(probed.sql).toMatch(/ limit 3\b/);
    // Asked for through a fragment, pageInfo is still answered.
    const viaFragment = await page("...Probe", "fragment Probe on ArticleQuotesConnection { pageInfo { hasNextPage hasPreviousPage } }", "");
    expect(viaFragment.forward.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(viaFragment.sql).toMatch(/ limit 3\b/);
  });

  it("pages with inlined page sizes: first, after and hasNextPage agree with the rows", async () => {
    const all = await graphql(url, `{ events(first: 50) { edges { node { id } } } }`);
    const ids = all.data.events.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const first = await graphql(url, `{ events(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage } } }`);
    expect(first.data.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(0, 1));
    expect(first.data.events.pageInfo.hasNextPage).toBe(true);
    const rest = await graphql(url, `query($after: String) { events(first: 50, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`, {
      after: first.data.events.edges[0].cursor,
    });
    expect(rest.data.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(1));
    expect(rest.data.events.pageInfo.hasNextPage).toBe(false);
  });

  it("ingests through the mutation once: the same URL, or the same text with other spacing or boilerplate, is a duplicate", async () => {
    const text = "Harbour reopens\n\nThe harbour of Bergen reopened on Monday after a storm closed it for three days.";
    const first = await graphql(url, INGEST, { input: { text, url: "https://harbour.example/reopens" } });
    expect(first.data.ingestArticle).toMatchObject({ __typename: "IngestArticlePayload", duplicate: false, article: { title: "Harbour reopens", source: "harbour.example" } });
    const articles = await count("articles");
    const sameUrl = await graphql(url, INGEST, { input: { text: `${text}\nUpdated.`, url: "https://harbour.example/reopens" } });
    const sameText = await graphql(url, INGEST, { input: { text: text.replace(/ /g, "  ").replace("\n\n", "\n\n\n") } });
    const withBoilerplate = await graphql(url, INGEST, {
      input: { text: text.replace("\n\n", "\n\nAdvertisement\n\n") + "\n\nALSO READ: Storm closes the harbour of Stavanger\n\nShare this article" },
    });
    for (const again of [sameUrl, sameText, withBoilerplate]) {
      expect(again.data.ingestArticle).toMatchObject({ duplicate: true, article: { id: first.data.ingestArticle.article.id } });
    }
    expect(await count("articles")).toBe(articles);
  });

  it("refuses bad input with a typed error and stores nothing", async () => {
    const before = await Promise.all(["articles", "entities", "events", "quotes", "figures"].map(count));
    const cases: [Record<string, unknown>, string][] = [
      [{ text: "" }, "EMPTY_BODY"],
      [{ text: "   \n\t  " }, "EMPTY_BODY"],
      [{ html: "<html><body><script>var x = 1;</script></body></html>" }, "EMPTY_BODY"],
      [{ text: "GIF89a\u0000\u0001\u0002\u0003 binary" }, "BINARY_CONTENT"],
      [{ text: `Big story\n\n${"word ".repeat(5000)}` }, "TOO_LARGE"],
      [{ text: "Title\n\nBody text here.", url: "not a url" }, "INVALID_URL"],
      [{ text: "Title\n\nBody text here.", publishedAt: "2022-02-30" }, "INVALID_DATE"],
      [{ text: "Title\n\nBody.", html: "<p>Body.</p>" }, "INVALID_INPUT"],
    ];
    for (const [input, code] of cases) {
      const result = await graphql(url, INGEST, { input });
      expect(result.errors, code).toBeUndefined();
      expect(result.data.ingestArticle.__typename).toBe("IngestError");
      expect(result.data.ingestArticle.code).toBe(code);
      expect(result.data.ingestArticle.message.length).toBeGreaterThan(5);
    }
    expect(await Promise.all(["articles", "entities", "events", "quotes", "figures"].map(count))).toEqual(before);
  });

  it("answers a field aliased __proto__ as a key of the response, at a resolved and at an awaited level (patched executor)", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ __proto__: articles(first: 1, search: "dockworkers") { edges { node { __proto__: title } } } }` }),
    });
    const text = await response.text();
    expect(text).toBe(`{"data":{"__proto__":{"edges":[{"node":{"__proto__":"Dockworkers march in Oslo"}}]}}}`);
  });

  it("stores non-English articles with their language flagged", async () => {
    const text =
      "Les ministres se réunissent à Genève\n\nLes ministres des Affaires étrangères de la Norvège et de l'Allemagne se sont réunis lundi à Genève pour discuter des exportations de céréales.";
    const result = await graphql(url, `mutation ($text: String!) { ingestArticle(input: { text: $text }) { ... on IngestArticlePayload { article { language title } } } }`, { text });
    expect(result.data.ingestArticle.article).toEqual({ language: "fr", title: "Les ministres se réunissent à Genève" });
  });

  it("writes an article whole or not at all", async () => {
    const before = await Promise.all(["articles", "entities", "events", "quotes", "figures"].map(count));
    const broken = protestReport();
    broken.body += " A different story.";
    broken.figures.push({ ...broken.figures[0], unit: null as unknown as string });
    await expect(storeArticle(store.db, { url: null, source: null }, broken)).rejects.toThrow();
    expect(await Promise.all(["articles", "entities", "events", "quotes", "figures"].map(count))).toEqual(before);
  });
});
