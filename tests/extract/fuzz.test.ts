// Fuzz tests: random and adversarial input through the whole pipeline, as text and as HTML.
// Invariants: extractArticle never throws, takes under a second an article, and every record's
// offsets lie inside the body with its text equal to body.slice(start, end).
// Run size: TEXT_RUNS + HTML_RUNS + UNICODE_RUNS + NEWSY_HTML_RUNS random cases (see below) plus the
// adversarial cases listed in ADVERSARIAL, each as text and as HTML.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractArticle, type ArticleInput, type ExtractedArticle } from "../../src/extract/index.js";

const MAX_MS = 1000;
const SEED = 20_260_422;
const TEXT_RUNS = 120;
const UNICODE_RUNS = 80;
const HTML_RUNS = 60;
const NEWSY_HTML_RUNS = 40;

/** Checks the invariants; returns a description of the first violation, or null. */
function violation(input: ArticleInput): string | null {
  let result: ExtractedArticle;
  const started = performance.now();
  try {
    result = extractArticle(input);
  } catch (error) {
    return `threw ${error instanceof Error ? error.stack : String(error)}`;
  }
  const ms = performance.now() - started;
  if (ms > MAX_MS) return `took ${ms.toFixed(0)} ms`;
  const { body } = result;
  if (typeof body !== "string") return "body is not a string";
  const spans: [string, { start: number; end: number; text: string }][] = [
    ...result.quotes.map((q) => ["quote", q] as [string, typeof q]),
    ...result.figures.map((f) => ["figure", f] as [string, typeof f]),
    ...result.events.map((e) => ["event", e] as [string, typeof e]),
  ];
  for (const [kind, r] of spans) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end > body.length || r.start > r.end) {
      return `${kind} offsets [${r.start}, ${r.end}) outside body of ${body.length}`;
    }
    if (body.slice(r.start, r.end) !== r.text) return `${kind} text ${JSON.stringify(r.text)} != body.slice(${r.start}, ${r.end})`;
  }
  for (const e of result.events) if (!body.includes(e.sentence)) return `event sentence not in body: ${JSON.stringify(e.sentence)}`;
  for (const f of result.figures) if (typeof f.value !== "number" || Number.isNaN(f.value)) return `figure value ${f.value}`;
  // Records are printed as JSON by the CLI.
  JSON.stringify(result);
  return null;
}

const assertOk = (input: ArticleInput) => {
  const problem = violation(input);
  expect(problem, JSON.stringify(input).slice(0, 300)).toBeNull();
};

// Newsy fragments, so random texts reach the extractors' rules rather than stopping at the first regex.
const FRAGMENTS = [
  "said", "says", "told reporters", "according to", "President", "Minister", "Foreign Minister", "the", "a", "of", "and",
  "met", "talks", "meeting", "agreed", "ceasefire", "sanctions", "attack", "killed", "injured", "fled", "people", "troops",
  "on Monday", "last week", "next Tuesday", "in March", "on 24 February", "2022", "yesterday", "two days later",
  "John Smith", "Maria Garcia", "Paris", "London", "Ukraine", "Russia", "United Nations", "Reuters", "BBC", "Mr", "Dr",
  "$1.5bn", "£300m", "€2", "45%", "1,200", "3.7", "10,000", "a million", "dozens", "half", "-5", "1e9", "0.000001",
  "\"", "\u201c", "\u201d", "\u2018", "\u2019", "'", "«", "»", "(", ")", "[", "]", ",", ".", ";", ":", "!", "?", "-", "\u2014",
  "...", "\u2026", "\n", "\n\n", " ", "  ", "\t", "By", "Published", "Updated", "Share", "Advertisement", "Read more",
  "U.S.", "U.K.", "Jan.", "St.", "e.g.", "MOSCOW, March 28 (Reuters) -", "12:30 GMT", "Photo:", "Copyright",
];
const newsyText = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), {
    maxLength: 400,
  })
  .map((parts) => parts.join(" "));

const TAGS = ["p", "div", "article", "span", "a", "h1", "h2", "script", "style", "title", "meta", "br", "time", "blockquote", "li", "ul", "nav", "footer", "header"];
const htmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...TAGS).map((t) => `<${t}>`),
      fc.constantFrom(...TAGS).map((t) => `</${t}>`),
      fc.constantFrom(
        '<meta property="article:published_time" content="2022-03-10T08:00:00Z">',
        '<meta name="date" content="not a date">',
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2022-13-45","headline":',
        "<!--",
        "-->",
        "<![CDATA[",
        "&amp;",
        "&#x1F600;",
        "&#99999999;",
        "&nbsp;",
        "<",
        ">",
        '<a href="javascript:alert(1)">',
        "<p class=\"x\" id='y'",
      ),
      newsyText.map((t) => t.slice(0, 200)),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(""));

const newsyHtml = fc
  .tuple(fc.string({ maxLength: 60 }), fc.array(newsyText, { minLength: 1, maxLength: 8 }))
  .map(([title, paras]) => `<html><head><title>${title}</title></head><body><article><h1>${title}</h1>${paras.map((p) => `<p>${p}</p>`).join("")}</article></body></html>`);

const rep = (s: string, n: number) => s.repeat(n);
/** Hand-written worst cases: each is run as plain text and as the body of an HTML page. */
const ADVERSARIAL: [string, string][] = [
  ["empty", ""],
  ["whitespace", rep(" \n\t\u00a0", 5000)],
  ["nested straight quotes", rep('"', 20_000)],
  ["nested curly quotes", rep("\u201c", 5000) + "Yes" + rep("\u201d", 5000) + " he said."],
  ["alternating quote marks", rep("\u201c'\u2018\"«", 4000) + " said Smith."],
  ["unclosed quotes with speech verbs", rep('"We will win, said Mr Smith. ', 2000)],
  ["100k-word line", rep("word ", 100_000)],
  ["100k capitalised words", rep("Alpha Beta ", 50_000)],
  ["one huge token", rep("a", 200_000)],
  ["dots", rep(".", 100_000)],
  ["commas and spaces", rep(", ", 50_000)],
  ["pathological punctuation", rep("?!.,;:-()[]{}'\"\u2014\u2026", 5000)],
  ["huge number", rep("9", 50_000) + " people were killed."],
  ["huge money", `$${rep("9", 400)}bn and ${rep("1,000", 2000)} people fled`],
  ["number soup", rep("1.2.3,4 5% $6bn £7m 8-9 ", 5000)],
  ["date soup", rep("on Monday 24 February 2022 last week next Tuesday in March ", 2000)],
  ["trigger soup", rep("talks met agreed sanctions attack ceasefire killed visit ", 3000)],
  ["title soup", rep("President Foreign Minister Mr Dr ", 5000)],
  ["long sentence of names", rep("John Smith, ", 20_000) + "said."],
  ["long paragraph", rep("The minister said on Monday that talks with Russia in Paris would resume, and 5 people were killed. ", 3000)],
  ["html garbage", rep("<div><p>x</div></p><<<>>>&amp;&#;", 5000)],
  ["deep nesting", rep("<div>", 20_000) + "Officials said talks would resume." + rep("</div>", 20_000)],
  ["unclosed comment", "<!-- " + rep("Officials said talks would resume. ", 3000)],
  ["script only", `<script>${rep("var a = '\"';", 20_000)}</script>`],
  ["random unicode block", Array.from({ length: 30_000 }, (_, i) => String.fromCodePoint(0x0400 + ((i * 7919) % 0x2000))).join("")],
  ["lone surrogates", rep("\ud800 \udfff \u0000 \ufffe ", 10_000)],
  ["combining marks", rep("a\u0301\u0302\u0303\u0304", 20_000)],
  ["rtl and zero-width", rep("\u202e\u200b\u200d\u05d0\u0627 said \u201c\u200b\u201d", 5000)],
  ["dateline soup", rep("MOSCOW, March 28 (Reuters) - ", 5000)],
  ["newlines", rep("\n", 100_000)],
  ["crlf lines", rep("Headline\r\n\r\nBy Staff\r\n", 5000)],
];

describe("extractArticle fuzz", () => {
  it(`survives ${ADVERSARIAL.length} adversarial texts and pages`, () => {
    const problems: string[] = [];
    for (const [name, text] of ADVERSARIAL) {
      const inputs: [string, ArticleInput][] = [
        ["text", { text }],
        ["page", { html: `<html><body><article><p>${text}</p></article></body></html>` }],
        ["html", { html: text }],
      ];
      for (const [kind, input] of inputs) {
        const problem = violation(input);
        if (problem) problems.push(`${name} (${kind}): ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it(`keeps its invariants on ${TEXT_RUNS} random newsy texts`, () => {
    fc.assert(fc.property(newsyText, (text) => assertOk({ text })), { numRuns: TEXT_RUNS, seed: SEED });
  }, 60_000);

  it(`keeps its invariants on ${UNICODE_RUNS} random unicode strings`, () => {
    const unicode = fc.oneof(fc.string({ unit: "binary", maxLength: 3000 }), fc.string({ unit: "grapheme", maxLength: 3000 }));
    fc.assert(fc.property(unicode, (text) => assertOk({ text })), { numRuns: UNICODE_RUNS, seed: SEED });
  }, 60_000);

  it(`keeps its invariants on ${HTML_RUNS} HTML-ish garbage pages`, () => {
    fc.assert(fc.property(htmlish, (html) => assertOk({ html })), { numRuns: HTML_RUNS, seed: SEED });
  }, 60_000);

  it(`keeps its invariants on ${NEWSY_HTML_RUNS} random article pages`, () => {
    fc.assert(fc.property(newsyHtml, (html) => assertOk({ html })), { numRuns: NEWSY_HTML_RUNS, seed: SEED });
  }, 60_000);

  it("finds records in a plain article, within the invariants", () => {
    const good = extractArticle({ text: 'Talks\n\nOfficials said on Monday that "talks will resume", and 5 people were killed.' });
    expect(good.quotes.length + good.figures.length).toBeGreaterThan(0);
    expect(violation({ text: "x" })).toBeNull();
    expect(violation({ html: "<p>x</p>" })).toBeNull();
  });
});
