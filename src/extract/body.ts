// Clean body, headline and publication date of scraped plain text. Scraped pages bring the
// outlet's furniture along (section labels, bylines, share rows, "ALSO READ" teasers, lists of
// other stories, cookie notices, spam) and sometimes whole unrelated stories after the main one.
// Every rule below is about the shape of such text, never about a particular outlet.
import { dateOfDateLine, dateOfDateline, splitDatePrefix } from "./metadata.js";

/** Title, date line and main story of a plain-text article. */
export interface CleanedText {
  title: string | null;
  publishedAt: string | null;
  body: string;
}

interface Block {
  text: string;
  /** Blank lines between this block and the previous one. */
  gapBefore: number;
}

const HEADER_BLOCKS = 8;
const MAX_TITLE_CHARS = 220;
/** Prose the main story must already have before a "Related posts"-style heading may end it. */
const MIN_STORY_CHARS = 300;
/** Story an appended one must follow: enough prose to know what the main story is about. */
const MIN_STORY_BEFORE_APPENDED_CHARS = 800;

// Whole-line boilerplate, dropped wherever it stands. Each pattern is anchored and bounded.
const JUNK_LINE_PATTERNS: RegExp[] = [
  /^(?:advertisements?|advertising|sponsored(?: content| links?)?|promoted(?: content)?|paid content|ad|story continues below(?: advertisement)?|continue reading(?: below)?|scroll to continue(?: with content)?|article continues below)$/i,
  /^\d{1,3}\s*(?:-\s*)?min(?:ute)?s?\.?\s+read$/i,
  /^(?:reading time|read time)\s*:?\s*\d{1,3}\s*min(?:ute)?s?$/i,
  /^(?:also read|read also|also see|see also|read more|more reading|must read|related|related stories|related story|related articles?|related news|related links?|related coverage|recommended|suggested|watch|listen|related video|video|explained|opinion|more|trending|top stories|latest)\s*[:|>»–—-]\s*.{0,300}$/i,
  /^(?:share(?: this)?(?: article| story| post| on)?|share via|tweet|email|e-mail|print|facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|telegram|copy link|copy url|comments?|save|bookmark|follow us|like)(?:[\s|,·•:/]+(?:share(?: this)?(?: article| story| post| on)?|share via|tweet|email|e-mail|print|facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|telegram|copy link|copy url|comments?|save|bookmark|follow us|like|\d{1,6}))*\s*:?$/i,
  /^click here\b.{0,200}$/i,
  /^(?:go|back|return|scroll) ?to ?(?:the )?top$/i,
  /^(?:skip to (?:main )?content|skip navigation|toggle navigation|menu|home|search|subscribe|sign in|log in|login|register|close|loading\.*|next|previous|prev)$/i,
  /^\d{1,3}\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago$/i,
  /^(?:©|\(c\)|copyright\b).{0,300}$/i,
  /^.{0,200}\ball rights reserved\.?$/i,
  /^\((?:image|images|photo|photos|picture|file photo|video|representational image|representative image|photo credit|source)s?\s*:[^()]{0,200}\)$/i,
  /^(?:image|photo|picture|video|file photo|photo credit|image credit|image source|featured image)\s*(?:credit|source)?\s*:.{0,200}$/i,
  /^\((?:with|inputs? from|additional reporting|reporting|writing|editing|compiled)\b[^()]{0,200}\)$/i,
  /^(?:sources?|source of news|with inputs from|inputs from)\s*:.{0,120}$/i,
  /^(?:tags?|topics?|filed under|categories|category|keywords)\s*:.{0,300}$/i,
  /^(?:by|written by|reported by|posted by|author)\s*:?\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|and|&|\|)\s*[A-Z][\w.'’ -]{0,40}){0,3}$/,
  /^.{0,200}\.{3}\s*read more\s*»?$/i,
  /^.{0,200}…\s*read more\s*»?$/i,
  /^(?:read more|read full story|read the full story|continue reading|view comments|show comments|load more|see more|view more|more news)\s*(?:»|>|→)?$/i,
  /^(?:follow|like) us on\b.{0,200}$/i,
  /^(?:download|get) (?:the|our) .{0,60}\bapp\b.{0,100}$/i,
];

// Lines that mention cookies, newsletters or spam only count when short, so that a real paragraph
// about those subjects survives.
const NOTICE_PATTERNS: RegExp[] = [
  /\bcookies?\b.{0,200}\b(?:accept|consent|agree|privacy|policy|settings|preferences|experience|browsing|this (?:web)?site)\b|\b(?:this (?:web)?site|we) uses? cookies\b/i,
  /\b(?:sign up|signup|subscribe|register)\b.{0,120}\b(?:newsletter|inbox|updates|alerts|e-?mails?)\b|\bnewsletter\b.{0,60}\b(?:sign up|subscribe)\b/i,
  /^(?!.*[.!?]$).{0,60}\b(?:xnxx|xvideos|xhamster|pornhub|porn videos?|sex videos?|xxx)\b/i,
  /\b(?:privacy policy|terms of (?:use|service)|terms and conditions)\b/i,
];
const MAX_NOTICE_CHARS = 260;

// A heading after which the page lists other content: everything from it on is dropped.
const END_OF_STORY_HEADING =
  /^(?:recent posts|recent stories|recent news|related posts|related articles|related stories|related news|related content|related coverage|related reading|related|more stories|more news|more articles|more from [\w .&'’-]{1,40}|more on this(?: story| topic)?|more in [\w .&'’-]{1,40}|latest(?: news| stories| articles| posts| headlines| videos)?|latest from [\w .&'’-]{1,40}|previous (?:story|article|post)|next (?:story|article|post)|read next|up next|what to read next|you (?:may|might) also like|you may be interested in|recommended(?: for you| stories| articles| reading)?|don'?t miss|do not miss|must read|trending(?: now| stories| news)?|most (?:read|popular|viewed|shared)|popular (?:posts|stories|articles)|editor'?s picks|top stories|around the web|from the web|sponsored stories|promoted stories|leave a (?:reply|comment)|post a comment|comments?|\d+ comments?|join the conversation|post navigation|share this(?: article| story)?|about the author|related topics|in other news|also in the news|other news|follow us)\s*:?$/i;

const SENTENCE_END = /[.!?]["'”’)\]]*$/;
const STOP_CAPITALS = new Set(
  (
    "the this that these those there their they then than when where what which while who whom whose why how " +
    "but and for with from into after before about also although because however meanwhile notably " +
    "january february march april may june july august september october november december " +
    "monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr it its his her he she we our you " +
    "in on at as an a of to by if or not no so is are was were be has have had will would can could said says"
  ).split(" "),
);

function normalize(raw: string): string {
  return raw
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u2007\u202f\u3000]/g, " ")
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(HORIZONTAL_SPACE_TO_COLLAPSE, " ");
}
// Runs of horizontal white space, collapsed to one space: only runs holding a tab, form feed or
// vertical tab, or two or more spaces, so that the many single spaces are not replaced by themselves.
const HORIZONTAL_SPACE_TO_COLLAPSE = /[ \t\f\v]*[\t\f\v][ \t\f\v]*| {2,}/g;

/** Splits text into non-empty lines, joining hard-wrapped lines back into their paragraph. */
function toBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let gap = 0;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (line === "") {
      gap++;
      continue;
    }
    const previous = blocks[blocks.length - 1];
    // A line that starts in lower case right after an unfinished one is the same paragraph, wrapped.
    if (previous && gap === 0 && /^[a-z]/.test(line) && /[\p{L}\p{N},;]$/u.test(previous.text)) {
      previous.text += " " + line;
    } else {
      blocks.push({ text: line, gapBefore: blocks.length === 0 ? 0 : gap });
    }
    gap = 0;
  }
  return blocks;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function isProse(text: string): boolean {
  return SENTENCE_END.test(text) || text.length >= 200;
}

/** A short line without closing punctuation that starts like a headline. */
function isHeadlineLike(text: string): boolean {
  if (text.length < 8 || text.length > MAX_TITLE_CHARS) return false;
  if (/[.,;:…]$/.test(text)) return false;
  const words = wordCount(text);
  return words >= 2 && words <= 30 && /^["“‘'(]?[\p{Lu}\p{N}]/u.test(text);
}

function isTitleCandidate(text: string): boolean {
  if (text.length > MAX_TITLE_CHARS || wordCount(text) > 30) return false;
  // A headline is one phrase; a paragraph has several sentences or ends like one.
  if (/[.!?]["”’]?\s+\p{Lu}/u.test(text)) return false;
  return !/[,;:…]$/.test(text) && !(text.endsWith(".") && wordCount(text) > 20);
}

function isTrailer(text: string): boolean {
  return !isProse(text) && wordCount(text) <= 12;
}

function isJunkLine(text: string): boolean {
  if (JUNK_LINE_PATTERNS.some((pattern) => pattern.test(text))) return true;
  return text.length <= MAX_NOTICE_CHARS && NOTICE_PATTERNS.some((pattern) => pattern.test(text));
}

/** True for a heading after which a page lists other content ("Related posts", "Most read"). */
export function isEndOfStoryHeading(line: string): boolean {
  return END_OF_STORY_HEADING.test(line.trim());
}

function foldLine(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function asciiAlphanumerics(text: string, limit: number): number {
  let count = 0;
  for (let k = 0; k < text.length && count <= limit; k++) {
    const c = text.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) count++;
  }
  return count;
}

/** A folded line to compare others with, and how many ASCII letters and digits it has. */
interface LineKey {
  folded: string;
  asciiAlphanumerics: number;
}

function lineKey(text: string): LineKey {
  const folded = foldLine(text);
  return { folded, asciiAlphanumerics: asciiAlphanumerics(folded, Infinity) };
}

/**
 * foldLine(text) === key.folded, without folding most lines: foldLine keeps every ASCII letter
 * and digit, so a text with more of them than the key cannot fold to it.
 */
function foldsTo(text: string, key: LineKey): boolean {
  return asciiAlphanumerics(text, key.asciiAlphanumerics) <= key.asciiAlphanumerics && foldLine(text) === key.folded;
}

interface Header {
  title: string | null;
  publishedAt: string | null;
  /** The story's blocks, header removed. */
  rest: Block[];
}

/** Reads headline, section label, date lines and byline off the top of the text. */
function readHeader(blocks: Block[]): Header {
  let title: string | null = null;
  let publishedAt: string | null = null;
  let index = 0;
  const rest = blocks.slice();
  while (index < rest.length && index < HEADER_BLOCKS) {
    const text = rest[index].text;
    const lineDate = dateOfDateLine(text);
    if (lineDate) {
      publishedAt ??= lineDate;
      index++;
      continue;
    }
    const prefixed = splitDatePrefix(text);
    if (prefixed) {
      publishedAt ??= prefixed.iso;
      if (prefixed.rest.trim() === "") {
        index++;
        continue;
      }
      rest[index] = { ...rest[index], text: prefixed.rest.trim() };
      break;
    }
    if (isJunkLine(text)) {
      index++;
      continue;
    }
    if (title !== null || !isTitleCandidate(text)) break;
    // A one- or two-word line above the headline is a section label ("News", "World Europe").
    const next = rest.slice(index + 1).find((b) => !isJunkLine(b.text) && !dateOfDateLine(b.text));
    if (wordCount(text) <= 2 && next && isTitleCandidate(next.text) && !isProse(next.text)) {
      index++;
      continue;
    }
    title = text;
    index++;
  }
  return { title, publishedAt, rest: rest.slice(index) };
}

/**
 * Capitalised words inside sentences (sentence openers say nothing), stemmed to five letters: a crude
 * fingerprint of the people, places and bodies a text is about.
 */
function nameStems(text: string): Set<string> {
  const stems = new Set<string>();
  for (const match of text.matchAll(/(?<![.!?:"“”]\s|^)\b\p{Lu}[\p{L}'’-]{2,}/gu)) {
    const word = match[0].toLowerCase().replace(/['’]s?$/, "");
    if (!STOP_CAPITALS.has(word)) stems.add(word.slice(0, 5));
  }
  return stems;
}

/**
 * Index of the block where an unrelated story starts (a headline-like line whose section shares
 * almost no names with the story before it), or -1.
 */
function appendedStoryStart(blocks: Block[], title: string | null): number {
  // Blocks that may start another story: numbered items ("21) Get Out") and labels ("Photo: …")
  // are parts of the story, not new stories.
  const startsSection: boolean[] = [];
  let proseChars = 0;
  for (const block of blocks) {
    const text = block.text;
    startsSection.push(isHeadlineLike(text) && !/^(?:\d{1,3}[).:]|[\p{L}]+:\s)/u.test(text) && proseChars >= MIN_STORY_BEFORE_APPENDED_CHARS);
    if (isProse(text)) proseChars += text.length;
  }
  // Most stories have no such block: then there is nothing to compare, and no names to collect.
  if (!startsSection.includes(true)) return -1;
  const story = new Set(title ? nameStems(title) : []);
  let sectionStart = -1;
  // Shared names over all names of blocks [start + 1, end); the headline itself is left out, as
  // title case makes every word of it look like a name.
  const overlap = (start: number, end: number): number => {
    const section = nameStems(blocks.slice(start + 1, end).map((b) => b.text).join("\n"));
    if (section.size < 4) return 1;
    let shared = 0;
    for (const stem of section) if (story.has(stem)) shared++;
    return shared / section.size;
  };
  // Both the section under the headline and everything after it must be off topic. Two or more
  // blank lines before the headline are how many scrapers join separate pages, so less is needed
  // there; otherwise almost no shared name is allowed, as a listicle's items also differ a lot.
  const judge = (start: number, end: number): boolean => {
    const joined = blocks[start].gapBefore >= 2;
    return overlap(start, end) < (joined ? 0.25 : 0.05) && overlap(start, blocks.length) < (joined ? 0.15 : 0.05);
  };
  for (let i = 0; i < blocks.length; i++) {
    if (startsSection[i]) {
      if (sectionStart >= 0) {
        if (judge(sectionStart, i)) return sectionStart;
        // A related section widens what the story is about.
        for (const block of blocks.slice(sectionStart, i)) for (const stem of nameStems(block.text)) story.add(stem);
      }
      sectionStart = i;
    } else if (sectionStart < 0) {
      for (const stem of nameStems(blocks[i].text)) story.add(stem);
    }
  }
  if (sectionStart >= 0 && judge(sectionStart, blocks.length)) return sectionStart;
  return -1;
}

/** Drops boilerplate lines, ends the story at "related posts" headings and cuts appended stories. */
function mainStory(blocks: Block[], title: string | null): { blocks: Block[]; dateLine: string | null } {
  const kept: Block[] = [];
  let dateLine: string | null = null;
  let proseChars = 0;
  const titleKey = title ? lineKey(title) : null;
  for (const block of blocks) {
    const text = block.text;
    if (END_OF_STORY_HEADING.test(text)) {
      if (proseChars >= MIN_STORY_CHARS) break;
      continue;
    }
    if (kept.length < HEADER_BLOCKS) {
      const date = dateOfDateLine(text);
      if (date) {
        dateLine ??= date;
        continue;
      }
      if (titleKey !== null && foldsTo(text, titleKey)) continue;
    }
    if (isJunkLine(text)) continue;
    kept.push(block);
    if (isProse(text)) proseChars += text.length;
  }
  const cut = appendedStoryStart(kept, title);
  const story = cut >= 0 ? kept.slice(0, cut) : kept;
  // One or two stray lines after the last sentence are credits or author names; a longer run of
  // short lines is a list the story ends with (fixtures, rankings, credits of a show).
  let trailing = 0;
  while (trailing < story.length - 1 && isTrailer(story[story.length - 1 - trailing].text)) trailing++;
  if (trailing <= 2) story.length -= trailing;
  while (story.length > 1 && !isProse(story[0].text) && wordCount(story[0].text) <= 6 && isProse(story[1].text)) {
    story.shift();
  }
  return { blocks: story, dateLine };
}

/** Splits scraped plain text into headline, publication date and the main story. */
export function cleanText(raw: string): CleanedText {
  const blocks = toBlocks(normalize(raw));
  if (blocks.length === 0) return { title: null, publishedAt: null, body: "" };
  const header = readHeader(blocks);
  const story = mainStory(header.rest, header.title);
  const first = story.blocks[0]?.text ?? "";
  const publishedAt = header.publishedAt ?? story.dateLine ?? dateOfDateline(first);
  return { title: header.title, publishedAt, body: story.blocks.map((b) => b.text).join("\n\n") };
}
