import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanText } from "../../src/extract/body.js";
import { htmlToArticle } from "../../src/extract/html.js";
import { extractArticle } from "../../src/extract/index.js";

const paragraphs = [
  "Rescue teams in Valencia worked through the night on Wednesday to reach villages cut off by the floods, the regional government said.",
  "At least 62 people have died in the region, and the Spanish army sent 500 soldiers with boats and heavy trucks to help clear the roads.",
  "Prime Minister Pedro Sanchez declared three days of national mourning and promised that Madrid would pay for the reconstruction.",
  "Meteorologists warned that more storms could reach the coast of Valencia and Murcia before the weekend, and schools stayed closed.",
  "Farmers around Valencia said the water destroyed orange groves that had taken decades to grow, and insurers expect large claims.",
];

function page({ head = "", before = "", after = "", article = paragraphs.map((p) => `<p>${p}</p>`).join("\n") } = {}): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${head}</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
${before}
<article><h1>Floods kill dozens in Valencia</h1>${article}</article>
${after}
<footer><p>© 2024 Example Media. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>`;
}

describe("htmlToArticle: main text", () => {
  it("keeps the article's paragraphs and drops navigation and footer", () => {
    const out = htmlToArticle(page());
    for (const p of paragraphs) expect(out.text).toContain(p);
    expect(out.text).not.toContain("Privacy policy");
    expect(out.text).not.toContain("All rights reserved");
  });

  it("leads the text with the headline so that the plain-text clean-up finds it", () => {
    const out = htmlToArticle(page());
    expect(out.title).toBe("Floods kill dozens in Valencia");
    const cleaned = cleanText(out.text);
    expect(cleaned.title).toBe("Floods kill dozens in Valencia");
    expect(cleaned.body.startsWith("Rescue teams in Valencia")).toBe(true);
  });

  it("drops a 'Most popular' widget and an 'Also read' teaser inside the article", () => {
    const widget = `<div class="popular"><h3>Most Popular</h3><ul><li><a href="/a">Celebrity chef opens new restaurant</a></li><li><a href="/b">Ten gadgets for the summer</a></li></ul></div>`;
    const article = [
      `<p>${paragraphs[0]}</p>`,
      `<p>${paragraphs[1]}</p>`,
      widget,
      `<p><strong>ALSO READ: <a href="/c">Storm season explained</a></strong></p>`,
      ...paragraphs.slice(2).map((p) => `<p>${p}</p>`),
    ].join("\n");
    const body = extractArticle({ html: page({ article }) }).body;
    expect(body).not.toContain("Celebrity chef");
    expect(body).not.toContain("Storm season explained");
    expect(body).toContain(paragraphs[4]);
  });

  it("survives scripts, iframes, styles, unclosed tags and huge inline data quickly", () => {
    const hugeScript = `<script>var state = ${JSON.stringify({ data: "x".repeat(1_500_000) })};</script>`;
    const hugeImage = `<img src="data:image/png;base64,${"A".repeat(800_000)}">`;
    const noise = `<style>${".a{color:red}".repeat(20_000)}</style><iframe src="https://ads.example/x"></iframe><script>document.write("<p>injected</p>")</script>`;
    const html = page({ before: hugeScript + noise, after: hugeImage + "<div><span><b>unclosed" + "<script>never closed " + "y".repeat(100_000) });
    const started = performance.now();
    const out = htmlToArticle(html);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.text).toContain(paragraphs[2]);
    expect(out.text).not.toContain("color:red");
    expect(out.text).not.toContain("injected");
  });

  it("returns text for garbage and absurd nesting instead of throwing or hanging", () => {
    const started = performance.now();
    for (const html of ["", "<<<>>>", "<html>", "not html at all", "<div>".repeat(20_000) + "deep", "<p>" + "&nbsp;".repeat(50_000)]) {
      expect(typeof htmlToArticle(html).text).toBe("string");
    }
    expect(htmlToArticle("<div>".repeat(20_000) + "deep text").text).toContain("deep text");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("handles a page that opens with <meta> instead of <html>", () => {
    const html = `<meta property="og:title" content="Floods kill dozens in Valencia"><div>${paragraphs.map((p) => `<p>${p}</p>`).join("")}<span>Published On May 10, 2022 01:52 PM</span></div>`;
    const out = htmlToArticle(html);
    expect(out.title).toBe("Floods kill dozens in Valencia");
    expect(out.publishedAt).toBe("2022-05-10");
    expect(out.text).toContain(paragraphs[3]);
  });
});

describe("htmlToArticle: metadata", () => {
  it("reads article:published_time and og:title without the site name", () => {
    const out = htmlToArticle(page({
      head: `<meta property="og:site_name" content="Example News"><meta property="og:title" content="Floods kill dozens in Valencia | Example News"><meta property="article:published_time" content="2024-10-30T08:15:00+01:00">`,
    }));
    expect(out.title).toBe("Floods kill dozens in Valencia");
    expect(out.publishedAt).toBe("2024-10-30");
  });

  it("prefers the JSON-LD article's headline and datePublished, inside @graph too", () => {
    const ld = { "@context": "https://schema.org", "@graph": [
      { "@type": "WebSite", name: "Example News" },
      { "@type": "NewsArticle", headline: "Valencia floods: death toll rises to 62", datePublished: "2024-10-31T06:00:00Z", dateModified: "2024-11-02T10:00:00Z" },
    ] };
    const out = htmlToArticle(page({ head: `<script type="application/ld+json">${JSON.stringify(ld)}</script><title>Home - Example News</title>` }));
    expect(out.title).toBe("Valencia floods: death toll rises to 62");
    expect(out.publishedAt).toBe("2024-10-31");
  });

  it("survives malformed JSON-LD and falls back to <time datetime>", () => {
    const out = htmlToArticle(page({
      head: `<script type="application/ld+json">{ "headline": "broken", </script>`,
      before: `<p class="byline">By Ana Lopez <time datetime="2024-11-01T09:00:00Z" pubdate>1 November 2024</time></p>`,
    }));
    expect(out.publishedAt).toBe("2024-11-01");
  });

  it("reads itemprop and name=pubdate dates and double-escaped titles", () => {
    const a = htmlToArticle(page({ head: `<meta name="pubdate" content="20241029"><meta property="og:title" content="Valencia&amp;#8217;s worst floods in decades">` }));
    expect(a.publishedAt).toBe("2024-10-29");
    expect(a.title).toBe("Valencia’s worst floods in decades");
    const b = htmlToArticle(page({ before: `<span itemprop="datePublished" content="2024-10-28">Oct 28</span>` }));
    expect(b.publishedAt).toBe("2024-10-28");
  });

  it("strips a site name after a double dash and leaves an unknown date null", () => {
    const out = htmlToArticle(page({ head: `<title>Floods kill dozens in Valencia -- Example.net</title>` }).replace(/<h1>[^<]*<\/h1>/, ""));
    expect(out.title).toBe("Floods kill dozens in Valencia");
    expect(out.publishedAt).toBeNull();
  });
});

const corpusDir = resolve(process.cwd(), "../shared/corpus/html");

describe("real pages from the development corpus", () => {
  const cases = [
    { name: "newspaper4k/cnn_001", maxMs: 1000 },
    { name: "readability/medicalnewstoday", maxMs: 1000 },
    { name: "newspaper4k/yahoo_main_site", maxMs: 1000 },
  ];
  it("has the corpus beside the repo", () => {
    expect(existsSync(corpusDir)).toBe(true);
  });
  for (const { name, maxMs } of cases) {
    it(`${name}: extracts within ${maxMs} ms`, () => {
      const html = readFileSync(join(corpusDir, `${name}.html`), "utf8");
      htmlToArticle(html);
      const started = performance.now();
      const page = htmlToArticle(html);
      const cleaned = cleanText(page.text);
      expect(performance.now() - started).toBeLessThan(maxMs);
      const out = { body: cleaned.body };
      const expectedFile = join(corpusDir, `${name}.expected.txt`);
      if (existsSync(expectedFile)) {
        const firstParagraph = readFileSync(expectedFile, "utf8").split(/\n\s*\n/)[0].trim().slice(0, 80);
        expect(out.body.replace(/\s+/g, " ")).toContain(firstParagraph.replace(/\s+/g, " "));
      } else {
        expect(out.body.length).toBeLessThan(20_000);
      }
    });
  }
});
