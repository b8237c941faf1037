// Main text and metadata of a raw HTML page. Mozilla's Readability (on linkedom, a fast
// DOM without layout) finds the article; its text then goes through the same clean-up as
// scraped plain text. Title and date come from the page's metadata: JSON-LD, Open Graph and
// other <meta> conventions, microdata and <time> elements.
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { isEndOfStoryHeading } from "./body.js";
import { dateFromMetadataValue, findAbsoluteDate } from "./metadata.js";

/** Main text and metadata of an HTML page. */
export interface HtmlArticle {
  title: string | null;
  publishedAt: string | null;
  /** Headline line (when known), blank line, then the article's paragraphs separated by blank lines. */
  text: string;
}

type Doc = ReturnType<typeof parseHTML>["document"];
type DomNode = Doc["documentElement"];

// Elements whose content is never article text; removed before parsing so that megabytes of
// inline scripts, styles or SVG cost one linear scan instead of DOM work. JSON-LD scripts stay.
const HEAVY_ELEMENTS = ["script", "style", "svg", "noscript", "iframe", "template", "canvas", "object"];
/** Inline data: URIs (base64 images, fonts) are dropped when longer than this. */
const MAX_DATA_URI_CHARS = 2048;

const PUBLISHED_META_KEYS = [
  "article:published_time", "og:article:published_time", "published_time", "article:published", "datepublished",
  "date_published", "publish_date", "publish-date", "publishdate", "pubdate", "og:pubdate", "article.published",
  "article_date_original", "original-publish-date", "parsely-pub-date", "sailthru.date", "dc.date.issued",
  "dc.date", "dcterms.created", "dcterms.date", "dcterms.issued", "citation_publication_date", "displaydate",
  "originalpublicationdate", "rnews:datepublished", "cxenseparse:recs:publishtime", "date", "article.created",
  "creation_date", "pub_date",
];
const TITLE_META_KEYS = ["og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title"];

const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer",
  "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
  "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
]);
const SKIPPED_TAGS = new Set(["script", "style", "noscript", "template", "svg", "button", "select", "textarea"]);

/** Removes each `<tag …>…</tag>` with a linear scan (a regex would rescan on unclosed tags). */
function removeElements(html: string, tag: string, keep: (openTag: string) => boolean): string {
  const lower = html.toLowerCase();
  const open = `<${tag}`;
  const close = `</${tag}`;
  const parts: string[] = [];
  let position = 0;
  for (;;) {
    let start = lower.indexOf(open, position);
    while (start >= 0 && /[\w-]/.test(lower[start + open.length] ?? "")) start = lower.indexOf(open, start + 1);
    if (start < 0) break;
    const openEnd = lower.indexOf(">", start);
    if (openEnd < 0) break;
    const closeStart = lower.indexOf(close, openEnd);
    const end = closeStart < 0 ? html.length : (lower.indexOf(">", closeStart) + 1 || html.length);
    if (keep(html.slice(start, openEnd + 1))) {
      parts.push(html.slice(position, end));
    } else {
      parts.push(html.slice(position, start));
    }
    position = end;
  }
  parts.push(html.slice(position));
  return parts.join("");
}

/** Nesting deeper than any real page: Readability's cost grows with the square of it. */
const MAX_READABLE_DEPTH = 400;

function depthExceeds(root: DomNode, limit: number): boolean {
  const stack: [DomNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of node.children as unknown as DomNode[]) stack.push([child, depth + 1]);
  }
  return false;
}

function lightenHtml(html: string): string {
  // Long runs of one entity (spacer &nbsp;s) become one DOM text node each; one is enough.
  let light = html.replace(/(&#?\w{1,10};)(?:\s*\1){15,}/g, "$1");
  for (const tag of HEAVY_ELEMENTS) {
    light = removeElements(light, tag, (openTag) => tag === "script" && /application\/ld\+json/i.test(openTag));
  }
  return light.replace(
    new RegExp(`(["'])data:[^"'\\s]{${MAX_DATA_URI_CHARS},}\\1`, "g"),
    '""',
  );
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Decodes entities left in metadata that a page escaped twice ("&amp;#8217;" arrives as "&#8217;"). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi, (whole, dec, hex, name) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
    if (code >= 0) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return NAMED_ENTITIES[String(name).toLowerCase()] ?? whole;
  });
}

function cleanInline(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function metaContent(document: Doc, keys: string[]): string[] {
  const wanted = new Map(keys.map((key, rank) => [key, rank]));
  const found: { rank: number; value: string }[] = [];
  for (const meta of document.querySelectorAll("meta")) {
    const key = (meta.getAttribute("property") ?? meta.getAttribute("name") ?? meta.getAttribute("itemprop") ?? "")
      .trim()
      .toLowerCase();
    const rank = wanted.get(key);
    const value = cleanInline(meta.getAttribute("content"));
    if (rank !== undefined && value) found.push({ rank, value });
  }
  return found.sort((a, b) => a.rank - b.rank).map((f) => f.value);
}

/** Objects in the page's JSON-LD blocks, @graph and nested arrays flattened, articles first. */
function jsonLdObjects(document: Doc): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    objects.push(record);
    if (record["@graph"]) visit(record["@graph"], depth + 1);
    if (record.mainEntity) visit(record.mainEntity, depth + 1);
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      visit(JSON.parse(script.textContent ?? ""), 0);
    } catch {
      // Malformed JSON-LD is common; the other metadata sources still apply.
    }
  }
  const isArticle = (o: Record<string, unknown>) => /Article|Posting|Report|Blog/i.test(String(o["@type"] ?? ""));
  return [...objects.filter(isArticle), ...objects.filter((o) => !isArticle(o))];
}

function stringField(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  if (typeof value === "string") return cleanInline(value) || null;
  if (Array.isArray(value) && typeof value[0] === "string") return cleanInline(value[0]) || null;
  return null;
}

function publishedDate(document: Doc, ld: Record<string, unknown>[]): string | null {
  const candidates: (string | null | undefined)[] = [];
  for (const record of ld) candidates.push(stringField(record, "datePublished"));
  candidates.push(...metaContent(document, PUBLISHED_META_KEYS));
  for (const element of document.querySelectorAll('[itemprop="datePublished"]')) {
    candidates.push(element.getAttribute("datetime") ?? element.getAttribute("content") ?? element.textContent);
  }
  const times = [...document.querySelectorAll("time[datetime]")];
  const marked = times.find((t) => t.hasAttribute("pubdate") || /publish|posted|date/i.test(t.getAttribute("class") ?? ""));
  candidates.push(marked?.getAttribute("datetime"), times[0]?.getAttribute("datetime"));
  for (const candidate of candidates) {
    const iso = dateFromMetadataValue(candidate);
    if (iso) return iso;
  }
  return null;
}

const TITLE_SEPARATOR = /\s+(?:[|–—:·•»\\/-]|--|::)\s+/;

/** A page title without the site name many pages append or prepend ("Headline | Site"). */
function withoutSiteName(title: string, siteNames: string[]): string {
  const parts = title.split(TITLE_SEPARATOR);
  if (parts.length < 2) return title;
  const folded = siteNames.map((s) => s.toLowerCase());
  const isSite = (part: string) => folded.some((s) => s && (part.toLowerCase() === s || s.includes(part.toLowerCase())));
  const kept = parts.filter((part) => !isSite(part));
  if (kept.length > 0 && kept.length < parts.length) return kept.join(" - ");
  // Without a known site name, a short last segment after the headline is the site's.
  const last = parts[parts.length - 1];
  const head = title.slice(0, title.length - last.length).replace(/\s+\S+\s*$/, "").trim();
  return last.split(/\s+/).length <= 4 && head.split(/\s+/).length >= 4 ? head : title;
}

function pageTitle(document: Doc, ld: Record<string, unknown>[]): string | null {
  const siteNames = [
    ...metaContent(document, ["og:site_name", "application-name", "twitter:site"]),
    ...ld.map((o) => stringField((o.publisher as Record<string, unknown>) ?? {}, "name") ?? ""),
  ].map((s) => s.replace(/^@/, ""));
  const candidates = [
    ...ld.map((o) => stringField(o, "headline")),
    ...metaContent(document, TITLE_META_KEYS),
    cleanInline(document.querySelector("h1")?.textContent),
    cleanInline(document.querySelector("title")?.textContent),
  ];
  for (const candidate of candidates) {
    if (candidate && candidate.length >= 3) return withoutSiteName(decodeEntities(candidate), siteNames);
  }
  return null;
}

/** A date printed next to "Published"/"Posted" in the page text, for pages without date metadata. */
function labelledDate(text: string): string | null {
  for (const label of text.matchAll(/\b(?:published|posted|first published)\b(?:\s+on)?\s*:?\s*/gi)) {
    const found = findAbsoluteDate(text.slice(label.index + label[0].length, label.index + label[0].length + 60));
    if (found && found.index <= 12) return found.iso;
  }
  return null;
}

/**
 * Removes widgets Readability keeps inside an article: blocks headed "Most popular", "Related" and
 * the like that are short or mostly links.
 */
function removeTeaserWidgets(root: DomNode): void {
  for (const element of [...root.querySelectorAll("div, section, aside, ul, ol, nav, footer, header")]) {
    if (!element.parentNode) continue;
    const text = cleanInline(element.textContent);
    if (text === "") continue;
    const firstLine = blockText(element as unknown as DomNode).split("\n")[0];
    if (!isEndOfStoryHeading(firstLine)) continue;
    const linkChars = [...element.querySelectorAll("a")].reduce((sum, a) => sum + cleanInline(a.textContent).length, 0);
    if (text.length < 600 || linkChars / text.length > 0.5) element.remove();
  }
}

/** Text of a DOM subtree: blocks become paragraphs separated by blank lines, inline runs collapse. */
function blockText(root: DomNode): string {
  const out: string[] = [];
  // Iterative walk: deeply nested pages must not overflow the stack.
  const stack: (DomNode | string)[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    if (item.nodeType === 3) {
      out.push((item.textContent ?? "").replace(/\s+/g, " "));
      continue;
    }
    if (item.nodeType !== 1) continue;
    const tag = item.tagName.toLowerCase();
    if (SKIPPED_TAGS.has(tag)) continue;
    if (tag === "br") {
      out.push("\n");
      continue;
    }
    const block = BLOCK_TAGS.has(tag);
    if (block) stack.push("\n\n");
    const children = item.childNodes as unknown as DomNode[];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    if (block) out.push("\n\n");
  }
  return out
    .join("")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

// Pages with more element tags than this are not built into a DOM: a DOM and Readability cost
// about a millisecond per 15 elements, and no article page needs this many (the development
// corpus peaks near 5,500 once scripts and styles are gone). Their text is read with the tags stripped.
const MAX_DOM_TAGS = 8000;

/** Opening tags in the markup, counting no further than `limit + 1`. */
function countOpeningTags(markup: string, limit: number): number {
  let count = 0;
  for (let i = markup.indexOf("<"); i >= 0 && count <= limit; i = markup.indexOf("<", i + 1)) {
    const c = markup.charCodeAt(i + 1) | 0x20;
    if (c >= 97 && c <= 122) count++;
  }
  return count;
}

const BLOCK_TAG = /<\/?(?:p|div|br|h[1-6]|li|ul|ol|article|section|header|footer|nav|aside|blockquote|tr|td|th|table|main|figure|figcaption|title)\b[^>]*>/gi;

/** A page too large for a DOM, read as text: block tags become paragraph breaks, other tags vanish. */
function tagSoupArticle(markup: string): HtmlArticle {
  const titleMatch = /<title[^>]*>([^<]{1,500})<\/title>/i.exec(markup);
  const title = titleMatch ? cleanInline(decodeEntities(titleMatch[1])) || null : null;
  const text = decodeEntities(
    markup
      .replace(/<!--[\s\S]*?(?:-->|$)/g, " ")
      .replace(/<(?:head|script|style|template)\b[^>]*>[\s\S]*?(?:<\/(?:head|script|style|template)>|$)/gi, " ")
      .replace(BLOCK_TAG, "\n\n")
      .replace(/<\/?[a-z][^>]*>/gi, " "),
  )
    .split(/\n\s*\n/)
    .map(cleanInline)
    .filter(Boolean)
    .join("\n\n");
  return { title, publishedAt: null, text: title ? `${title}\n\n${text}` : text };
}

/** Reduces an HTML page to its headline, publication date and main text. Never throws on bad markup. */
export function htmlToArticle(html: string): HtmlArticle {
  let document: Doc;
  try {
    const light = lightenHtml(html);
    if (countOpeningTags(light, MAX_DOM_TAGS) > MAX_DOM_TAGS) return tagSoupArticle(light);
    // Fragments without an <html> root (pages that open with <meta>) leave linkedom a stray root
    // element: they are wrapped in one, directly when the page has no <html> tag at all (parsing
    // twice costs much on big pages).
    const wrap = (markup: string) => parseHTML(`<!doctype html><html><body>${markup}</body></html>`).document;
    document = /<html[\s>]/i.test(light) ? parseHTML(light).document : wrap(light);
    if (document.documentElement?.tagName !== "HTML") {
      document = wrap(light);
    }
  } catch {
    return { title: null, publishedAt: null, text: "" };
  }
  const ld = jsonLdObjects(document);
  const pageText = document.body ? (document.body.textContent ?? "") : "";
  const title = pageTitle(document, ld);
  const metadataDate = publishedDate(document, ld);
  let content = "";
  let readabilityTime: string | null = null;
  try {
    if (depthExceeds(document.documentElement, MAX_READABLE_DEPTH)) throw new Error("page nested too deeply");
    const article = new Readability(document as unknown as Document, {}).parse();
    if (article?.content) {
      const body = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body;
      removeTeaserWidgets(body);
      content = blockText(body);
      readabilityTime = article.publishedTime ?? null;
    }
  } catch {
    // Readability gives up on some documents, and too deep ones are not given to it; the page's
    // body text is the fallback below.
  }
  if (content === "" && document.body) content = blockText(document.body);
  const publishedAt = metadataDate ?? dateFromMetadataValue(readabilityTime) ?? labelledDate(pageText);
  return { title, publishedAt, text: title ? `${title}\n\n${content}` : content };
}
