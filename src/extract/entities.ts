// Entity extraction: capitalised word runs are segmented with lexicons (organisations, titles,
// demonyms, gazetteer places), the rest typed with context cues, and spellings merged per article.
// Every name of a person or place comes from data (gazetteer packages, lexicon JSON), not code.
import { countryOfDemonym, getGazetteer, type GazetteerPlace } from "./gazetteer.js";
import { foldName, frequentWords, givenNames, personNames, preferredSpelling, readLexicon, variantKey } from "./names.js";
import type { EntityRecords, OrganizationRecord, PersonRecord, PlaceRecord, Span } from "./types.js";

export type EntityKind = "person" | "place" | "organization";

/**
 * How a mention names its entity: its full name or another spelling ("name"), a person's
 * surname alone ("surname"), an organisation's acronym ("acronym"), or a country's demonym
 * ("demonym": "Russian" -> Russia; no record is made for a country named only that way).
 */
export type MentionVia = "name" | "surname" | "acronym" | "demonym";

/** One occurrence of an entity in the body. */
export interface EntityMention extends Span {
  kind: EntityKind;
  /** Canonical name of the entity mentioned (a record's `name`; for demonyms, the country's). */
  name: string;
  via: MentionVia;
}

export interface ExtractedEntities {
  records: EntityRecords;
  mentions: EntityMention[];
}

// ---------- lexicons ----------

interface Cues {
  titles: string[];
  roleNouns: string[];
  speechVerbs: string[];
  honorifics: string[];
  nameConnectors: string[];
  nonNames: string[];
}

/**
 * What a folded name may stand for in the lexicons, gathered in one entry so that segmenting makes a
 * single lookup per key (every capitalised word is one) instead of one per lexicon.
 */
interface LexiconName {
  /** Canonical organisation. */
  organization: string | null;
  title: boolean;
  /** The country a demonym names. */
  demonym: GazetteerPlace | null;
  /** The best place, when it is a country or curated region: the only places a single word names. */
  curatedPlace: GazetteerPlace | null;
}

interface Lexicons {
  maxTitleWords: number;
  roleNouns: Set<string>;
  speechVerbs: Set<string>;
  honorifics: Set<string>;
  connectors: Set<string>;
  nonNames: Set<string>;
  orgSuffixes: Set<string>;
  orgHeads: Set<string>;
  /** Organisations (by folded name or alias), titles, demonyms and curated places. */
  names: Map<string, LexiconName>;
  /**
   * The frequent English words that are no famous place: the frequency list holds big places too
   * (Moscow, London), and those are names, not ordinary words.
   */
  ordinaryWords: Set<string>;
  maxOrgWords: number;
  /**
   * Every key of the name lexicons (organisations, titles, demonyms, gazetteer places) cut before
   * each of its spaces: a run's key that is none of these cannot grow into a name.
   */
  namePrefixes: Set<string>;
}

function addPrefixes(prefixes: Set<string>, keys: Iterable<string>): void {
  for (const key of keys) {
    for (let space = key.indexOf(" "); space >= 0; space = key.indexOf(" ", space + 1)) prefixes.add(key.slice(0, space));
  }
}

// A place this big is a name even where its spelling is a frequent English word.
const FAMOUS_PLACE = 1_000_000;
// The gazetteer ranks countries and curated regions at or above this.
const CURATED_RANK = 3e9;

let lexicons: Lexicons | null = null;
function getLexicons(): Lexicons {
  if (lexicons) return lexicons;
  const cues = readLexicon<Cues>("cues.json");
  const orgWords = readLexicon<{ suffixes: string[]; heads: string[] }>("org-words.json");
  const orgList = readLexicon<{ organizations: string[][] }>("organizations.json").organizations;
  const organizations = new Map<string, string>();
  let maxOrgWords = 1;
  for (const [canonical, ...aliases] of orgList) {
    for (const alias of [canonical, ...aliases]) {
      organizations.set(foldName(alias), canonical);
      maxOrgWords = Math.max(maxOrgWords, alias.split(/\s+/).length);
    }
  }
  const titles = new Set(cues.titles.map(foldName));
  const gaz = getGazetteer();
  const namePrefixes = new Set<string>();
  for (const keys of [organizations.keys(), titles, gaz.demonyms.keys(), gaz.byName.keys()]) addPrefixes(namePrefixes, keys);
  const ordinaryWords = new Set([...frequentWords()].filter((word) => (gaz.byName.get(word)?.[0]?.rank ?? 0) < FAMOUS_PLACE));
  const names = new Map<string, LexiconName>();
  const nameEntry = (key: string): LexiconName => {
    let entry = names.get(key);
    if (!entry) names.set(key, (entry = { organization: null, title: false, demonym: null, curatedPlace: null }));
    return entry;
  };
  organizations.forEach((canonical, key) => (nameEntry(key).organization = canonical));
  for (const key of titles) nameEntry(key).title = true;
  gaz.demonyms.forEach((place, key) => (nameEntry(key).demonym = place));
  gaz.byName.forEach((places, key) => {
    if (places[0].rank >= CURATED_RANK) nameEntry(key).curatedPlace = places[0];
  });
  lexicons = {
    maxTitleWords: Math.max(...cues.titles.map((t) => t.split(/\s+/).length)),
    roleNouns: new Set(cues.roleNouns),
    speechVerbs: new Set(cues.speechVerbs),
    honorifics: new Set(cues.honorifics.map(foldName)),
    connectors: new Set(["of", "for", "the", "on", "and", ...cues.nameConnectors]),
    nonNames: new Set(cues.nonNames.map(foldName)),
    orgSuffixes: new Set(orgWords.suffixes.map(foldName)),
    orgHeads: new Set(orgWords.heads.map(foldName)),
    names,
    ordinaryWords,
    maxOrgWords,
    namePrefixes,
  };
  return lexicons;
}

// ---------- words ----------

interface Word {
  text: string;
  folded: string;
  start: number;
  end: number;
  capitalized: boolean;
  allCaps: boolean;
  /** Followed by 's or ’s (excluded from the span). */
  possessive: boolean;
  /** First word of its sentence, or in a headline-cased line, where capitals say nothing. */
  initial: boolean;
  /** Separated from the previous word by white space only (same line, no punctuation). */
  joined: boolean;
}

// We've, They'll, Don't: pronouns and verbs, never names.
const CONTRACTION = /['’](?:ve|ll|re|d|m|t)$/i;
const isUpper = (code: number) => code >= 65 && code <= 90;

// Dotted acronyms (U.S.), or words with inner apostrophes, hyphens and dots (O'Brien, Suk-yeol).
const WORD_RE = /(?:\p{Lu}\.){2,}|[\p{L}\p{M}\p{N}]+(?:['’\-.][\p{L}\p{M}\p{N}]+)*/gu;

const LETTER_MARK_DIGIT = /^[\p{L}\p{M}\p{N}]/u;
const UPPER = /^\p{Lu}/u;
const isWordCode = (body: string, i: number, code: number): boolean =>
  code < 128 ? (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) : LETTER_MARK_DIGIT.test(body.slice(i, i + 2));
const isUpperCode = (body: string, i: number, code: number): boolean =>
  code < 128 ? code >= 65 && code <= 90 : UPPER.test(body.slice(i, i + 2));
const codeWidth = (code: number) => (code > 0xffff ? 2 : 1);

/** Index of the first word character at or after `from`, or -1. */
function nextWordStart(body: string, from: number): number {
  const n = body.length;
  for (let i = from; i < n; ) {
    const code = body.codePointAt(i)!;
    if (isWordCode(body, i, code)) return i;
    i += codeWidth(code);
  }
  return -1;
}

/**
 * End of the word starting at `start` (a word character), as WORD_RE would match it, found by a
 * scanner: the same words, without the regex engine's Unicode property tests on every ASCII character.
 */
function wordEnd(body: string, start: number): number {
  const n = body.length;
  // Dotted acronym: two or more capitals each followed by a full stop (U.S.).
  let j = start;
  let count = 0;
  for (;;) {
    const c = j < n ? body.codePointAt(j)! : -1;
    if (c < 0 || !isUpperCode(body, j, c) || body.charCodeAt(j + codeWidth(c)) !== 46) break;
    j += codeWidth(c) + 1;
    count++;
  }
  if (count >= 2) return j;
  j = start;
  for (;;) {
    while (j < n) {
      const c = body.codePointAt(j)!;
      if (!isWordCode(body, j, c)) break;
      j += codeWidth(c);
    }
    const sep = body.charCodeAt(j);
    // ' ’ - . followed by a word character continue the word (O'Brien, Suk-yeol).
    if ((sep === 39 || sep === 0x2019 || sep === 45 || sep === 46) && j + 1 < n && isWordCode(body, j + 1, body.codePointAt(j + 1)!)) {
      j += 1;
      continue;
    }
    return j;
  }
}

/** foldName, with a fast path for the common plain ASCII word (no dots or hyphens: lowercasing is all it does). */
function foldWord(text: string): string {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c > 127 || c === 45 || c === 46) return foldName(text);
  }
  return text.toLowerCase();
}

/** True when `text` has a lowercase letter (ASCII checked directly, the rest by \p{Ll}). */
function hasLowercase(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 97 && c <= 122) return true;
    if (c > 127) return LOWERCASE.test(text);
  }
  return false;
}
const LOWERCASE = /\p{Ll}/u;

const isSpaceOrTab = (c: number) => c === 32 || c === 9 || c === 0xa0;
// “ " ‘ : ( [ — an opening quote, colon or bracket makes the next word a sentence start.
const isOpener = (c: number) => c === 0x201c || c === 34 || c === 0x2018 || c === 58 || c === 40 || c === 91;

/** The gap body[from, to) between two words is white space only (same line, no punctuation). */
function spacesOnly(body: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpaceOrTab(body.charCodeAt(k))) return false;
  return true;
}

/** The gap body[from, to) ends with an opener and white space (/[“"‘:(\[]\s*$/). */
function opensBefore(body: string, from: number, to: number): boolean {
  let k = to - 1;
  while (k >= from && WHITE_SPACE.test(body[k])) k--;
  return k >= from && isOpener(body.charCodeAt(k));
}
const WHITE_SPACE = /\s/;

/** Headline case: most words of the sentence words[from..] capitalised, so capitals do not mark names. */
function markHeadline(words: Word[], from: number): void {
  const count = words.length - from;
  if (count < 4) return;
  let capitalized = 0;
  for (let k = from; k < words.length; k++) if (words[k].capitalized && !words[k].allCaps) capitalized++;
  if (capitalized / count >= 0.6) for (let k = from; k < words.length; k++) words[k].initial = true;
}

function readWords(body: string, sentences: Span[]): Word[] {
  const words: Word[] = [];
  let sentenceIndex = 0;
  let previousEnd = -1;
  let sentenceFirstWord = 0;
  for (let start = nextWordStart(body, 0); start >= 0; ) {
    const matchEnd = wordEnd(body, start);
    let text = body.slice(start, matchEnd);
    const possessive = text.length > 2 && (text.endsWith("'s") || text.endsWith("’s") || text.endsWith("'S"));
    if (possessive) text = text.slice(0, -2);
    while (sentenceIndex < sentences.length && sentences[sentenceIndex].end <= start) {
      sentenceIndex++;
      markHeadline(words, sentenceFirstWord);
      sentenceFirstWord = words.length;
    }
    const sentenceStart = sentences[sentenceIndex]?.start ?? 0;
    // The gap since the previous word, empty across a sentence start.
    const gapLength = previousEnd < sentenceStart ? 0 : start - previousEnd;
    const code = text.charCodeAt(0);
    const capitalized = isUpper(code) || (code > 127 && UPPER.test(text));
    words.push({
      text,
      // Only capitalised words are looked up in lexicons; lowercase ones are compared as they are.
      folded: capitalized ? foldWord(text) : text,
      start,
      end: start + text.length,
      capitalized,
      allCaps: capitalized && text.length > 1 && !hasLowercase(text),
      possessive,
      // A sentence's first word, or one just after an opening quote or a colon.
      initial: words.length === sentenceFirstWord || (gapLength > 1 && opensBefore(body, previousEnd, start)),
      joined: gapLength > 0 && spacesOnly(body, previousEnd, start),
    });
    previousEnd = matchEnd;
    start = nextWordStart(body, matchEnd);
  }
  markHeadline(words, sentenceFirstWord);
  return words;
}

// ---------- segmentation ----------

type SegmentType = "organization" | "place" | "demonym" | "title" | "unknown";

interface Segment {
  type: SegmentType;
  /** Word indexes, end-exclusive. */
  from: number;
  to: number;
  /** Canonical name for lexicon matches. */
  canonical?: string;
  place?: GazetteerPlace;
}

// The longest organisation, title or place name matched as one segment.
const MAX_NAME_WORDS = 8;

const EDGE_CONNECTOR = (lex: Lexicons, w: Word) => !w.capitalized && lex.connectors.has(w.folded);

/** Word index ranges of capitalised runs, with connectors (of, de, al...) inside them. */
function findRuns(words: Word[], lex: Lexicons): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < words.length) {
    if (!isNameWord(words[i], lex)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < words.length && words[j].joined && !words[j - 1].possessive) {
      if (isNameWord(words[j], lex)) j++;
      else if (
        EDGE_CONNECTOR(lex, words[j]) &&
        j + 1 < words.length &&
        words[j + 1].joined &&
        !words[j].possessive &&
        isNameWord(words[j + 1], lex)
      )
        j += 2;
      else break;
    }
    runs.push([i, j]);
    i = j;
  }
  return runs;
}

function isNameWord(w: Word, lex: Lexicons): boolean {
  // A capitalised word starts with an upper-case letter, so never with a digit.
  return w.capitalized && !lex.nonNames.has(w.folded) && !CONTRACTION.test(w.text);
}

function possessiveBefore(words: Word[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (words[k].possessive) return true;
  return false;
}

/** Folded text of words[from..to), hyphens as spaces, as the lexicons key names. */
function keyOf(words: Word[], from: number, to: number): string {
  let key = "";
  for (let k = from; k < to; k++) key += (k > from ? " " : "") + words[k].folded;
  return key;
}

function segmentRun(words: Word[], from: number, to: number, lex: Lexicons): Segment[] {
  const gaz = getGazetteer();
  const segments: Segment[] = [];
  let unknownStart = -1;
  let i = from;
  while (i < to) {
    let matched: Segment | null = null;
    // Keys of words[i..i+length), built once, tried longest first; a key grows only while some
    // lexicon name starts with it.
    const lengthLimit = Math.min(to - i, MAX_NAME_WORDS);
    const keys: string[] = [words[i].folded];
    while (keys.length < lengthLimit && lex.namePrefixes.has(keys[keys.length - 1])) {
      keys.push(`${keys[keys.length - 1]} ${words[i + keys.length].folded}`);
    }
    const maxLength = keys.length;
    for (let length = maxLength; length >= 1 && !matched; length--) {
      const end = i + length;
      if (EDGE_CONNECTOR(lex, words[end - 1]) || EDGE_CONNECTOR(lex, words[i])) continue;
      // Possessives end a name: "Turkey's" may end a segment but not sit inside one.
      if (possessiveBefore(words, i, end - 1)) continue;
      const key = keys[length - 1];
      const known = lex.names.get(key);
      if (known?.organization) {
        matched = { type: "organization", from: i, to: end, canonical: known.organization };
        break;
      }
      if (known?.title && !words[i].allCaps) {
        matched = { type: "title", from: i, to: end };
        break;
      }
      if (known?.demonym && !words[end - 1].possessive) {
        matched = { type: "demonym", from: i, to: end, place: known.demonym };
        break;
      }
      // Single words may be people's names too (Vladimir): only countries and curated regions here.
      const place = length > 1 ? gaz.byName.get(key)?.[0] : known?.curatedPlace;
      if (place) {
        matched = { type: "place", from: i, to: end, place };
        break;
      }
    }
    if (matched) {
      if (unknownStart >= 0) segments.push({ type: "unknown", from: unknownStart, to: i });
      unknownStart = -1;
      segments.push(matched);
      i = matched.to;
    } else {
      if (unknownStart < 0) unknownStart = i;
      i++;
    }
  }
  if (unknownStart >= 0) segments.push({ type: "unknown", from: unknownStart, to });
  return mergeOrganizations(words, segments, lex);
}

/**
 * An unknown part ending in an organisation word (Ministry, Agency, Television) takes the
 * segments before it in the run: "Brazilian Health Ministry", "Sky Television"; and a
 * head word takes "of ..." after it: "Ministry of Foreign Affairs".
 */
function mergeOrganizations(words: Word[], segments: Segment[], lex: Lexicons): Segment[] {
  const out: Segment[] = [];
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    if (seg.type !== "unknown") {
      out.push(seg);
      continue;
    }
    let suffixAt = -1;
    for (let k = seg.to - 1; k >= seg.from; k--) {
      if (lex.orgSuffixes.has(words[k].folded) || lex.orgHeads.has(words[k].folded)) {
        suffixAt = k;
        break;
      }
    }
    if (suffixAt < 0) {
      out.push(seg);
      continue;
    }
    const isHead = lex.orgHeads.has(words[suffixAt].folded) && suffixAt + 1 < seg.to;
    const isSuffix = lex.orgSuffixes.has(words[suffixAt].folded);
    if (!isHead && !isSuffix) {
      out.push(seg);
      continue;
    }
    let end = isHead ? seg.to : suffixAt + 1;
    // "Bank of Scotland", "Ministry of Foreign Affairs of Russia": what follows "of" belongs to the name.
    while (s + 1 < segments.length && segments[s + 1].from === end && EDGE_CONNECTOR(lex, words[end - 1])) {
      end = segments[s + 1].to;
      s++;
    }
    let start = seg.from;
    while (out.length > 0) {
      const prev = out[out.length - 1];
      if (prev.to !== start || prev.type === "title" || words[prev.to - 1].possessive) break;
      start = prev.from;
      out.pop();
    }
    out.push({ type: "organization", from: start, to: end });
    if (!isHead && suffixAt + 1 < seg.to) out.push({ type: "unknown", from: suffixAt + 1, to: seg.to });
  }
  return out;
}

// ---------- entity store ----------

interface PersonEntry {
  record: PersonRecord;
  key: string;
  surnameKey: string;
  forms: Map<string, number>;
  order: number;
}

interface PlaceEntry {
  record: PlaceRecord;
}

class EntityStore {
  readonly people: PersonEntry[] = [];
  readonly places = new Map<string, PlaceEntry>();
  readonly organizations = new Map<string, OrganizationRecord>();
  readonly mentions: EntityMention[] = [];
  /** Organisation canonical names by acronym defined in the text: "World Food Programme (WFP)". */
  readonly acronyms = new Map<string, string>();

  person(fullName: string, role: string | null): PersonEntry {
    const key = variantKey(fullName);
    let entry = this.people.find((p) => p.key === key);
    if (!entry) {
      const tokens = key.split(" ");
      entry = {
        record: { name: fullName, aliases: [], role },
        key,
        surnameKey: tokens[tokens.length - 1],
        forms: new Map(),
        order: this.people.length,
      };
      this.people.push(entry);
    }
    entry.forms.set(fullName, (entry.forms.get(fullName) ?? 0) + 1);
    if (role && !entry.record.role) entry.record.role = role;
    return entry;
  }

  place(surface: string, place: GazetteerPlace): string {
    let entry = this.places.get(place.name + "|" + place.country);
    if (!entry) {
      entry = {
        record: {
          name: place.name,
          aliases: [],
          kind: place.kind,
          country: place.country,
          latitude: place.latitude,
          longitude: place.longitude,
        },
      };
      this.places.set(place.name + "|" + place.country, entry);
    }
    addAlias(entry.record, surface);
    return place.name;
  }

  organization(canonical: string, surface: string): string {
    const key = variantKey(canonical);
    let record = this.organizations.get(key);
    if (!record) {
      record = { name: canonical, aliases: [] };
      this.organizations.set(key, record);
    }
    addAlias(record, surface);
    return record.name;
  }

  mention(start: number, end: number, kind: EntityKind, name: string, via: MentionVia): void {
    this.mentions.push({ start, end, kind, name, via });
  }
}

function addAlias(record: { name: string; aliases: string[] }, surface: string): void {
  if (surface !== record.name && !record.aliases.includes(surface)) record.aliases.push(surface);
}

// ---------- typing ----------

interface PendingName {
  from: number;
  to: number;
  /** A cue says this is a person: title, honorific, role noun, speech verb. */
  personCue: boolean;
  role: string | null;
}

const BIG_CITY = 100_000;
const LOCATIVES = new Set(["in", "at", "from", "near", "to", "into", "outside", "across", "towards", "toward", "via", "around", "of", "and", "or", "between", "inside", "visited", "visit"]);

/** Finds people, places and organizations in the body, with every mention of them. */
export function extractEntities(body: string, sentences: Span[]): ExtractedEntities {
  const lex = getLexicons();
  const words = readWords(body, sentences);
  const store = new EntityStore();
  const names = personNames();
  const gaz = getGazetteer();
  const given = givenNames();
  const isCommon = (w: Word) => !w.allCaps && lex.ordinaryWords.has(w.folded);
  const isWeak = (w: Word) => isCommon(w) && (w.initial || !names.has(w.folded));

  const pending: PendingName[] = [];
  for (const [runFrom, runTo] of findRuns(words, lex)) {
    const segments = segmentRun(words, runFrom, runTo, lex);
    for (let s = 0; s < segments.length; s++) {
      const seg = segments[s];
      const surface = body.slice(words[seg.from].start, words[seg.to - 1].end);
      const start = words[seg.from].start;
      const end = words[seg.to - 1].end;
      switch (seg.type) {
        case "organization": {
          // A bare organisation word (the Bank, League) names nothing.
          if (!seg.canonical && !/\s/.test(stripArticle(surface))) break;
          const canonical = seg.canonical ?? stripArticle(surface);
          const name = store.organization(canonical, stripArticle(surface));
          store.mention(start + (surface.length - stripArticle(surface).length), end, "organization", name, "name");
          const acronym = /^\s*\((\p{Lu}[\p{Lu}\p{N}&.]{1,7})\)/u.exec(body.slice(end, end + 12));
          if (acronym) store.acronyms.set(foldName(acronym[1]), name);
          break;
        }
        case "place":
          store.mention(start, end, "place", store.place(surface, seg.place!), "name");
          break;
        case "demonym":
          store.mention(start, end, "place", seg.place!.name, "demonym");
          break;
        case "title":
          break;
        case "unknown":
          collectUnknown(words, segments, s, lex, isWeak, pending);
          break;
      }
    }
  }

  // People with full names first, so that surnames alone can be resolved to them.
  const single: PendingName[] = [];
  for (const p of pending) {
    if (p.to - p.from < 2) {
      single.push(p);
      continue;
    }
    const first = words[p.from];
    const firstPlace = gaz.byName.get(first.folded)?.[0];
    // Without a cue, a name is words that are no ordinary English words, a given name aside:
    // Harry Potter passes (wrongly), Grand Slam and Six Nations do not.
    const looksLikeName = words
      .slice(p.from, p.to)
      .every((w, k) => !w.allCaps && !isWeak(w) && (!isCommon(w) || (k === 0 && given.has(w.folded))));
    const lastPlace = gaz.byName.get(words[p.to - 1].folded)?.[0];
    const placeFirst =
      (firstPlace && firstPlace.rank >= BIG_CITY && !given.has(first.folded)) || (lastPlace && lastPlace.rank >= BIG_CITY);
    // In a headline-cased line capitals prove nothing: "Why Markets Fear".
    const headline = words.slice(p.from, p.to).every((w) => w.initial);
    if (p.personCue || (looksLikeName && !placeFirst && !headline)) {
      const full = body.slice(first.start, words[p.to - 1].end);
      const entry = store.person(full, p.role);
      store.mention(first.start, words[p.to - 1].end, "person", entry.record.name, "name");
    } else {
      for (let k = p.from; k < p.to; k++) single.push({ from: k, to: k + 1, personCue: false, role: null });
    }
  }
  const bySurname = new Map<string, PersonEntry>();
  for (const person of store.people) if (!bySurname.has(person.surnameKey)) bySurname.set(person.surnameKey, person);

  for (const p of single) {
    const w = words[p.from];
    const key = variantKey(w.text);
    const person = bySurname.get(key);
    if (person && !w.allCaps) {
      store.mention(w.start, w.end, "person", person.record.name, "surname");
      addAlias(person.record, w.text);
      continue;
    }
    const acronymOrg = store.acronyms.get(w.folded);
    if (acronymOrg) {
      store.mention(w.start, w.end, "organization", store.organization(acronymOrg, w.text), "acronym");
      continue;
    }
    const titled = p.role !== null || (p.from > 0 && lex.honorifics.has(words[p.from - 1].folded));
    const place = titled ? null : acceptPlace(words, p.from, isCommon, pending);
    if (place) {
      store.mention(w.start, w.end, "place", store.place(w.text, place), "name");
      continue;
    }
    if (p.personCue && !isWeak(w) && !w.allCaps && w.text.length > 2) {
      const entry = store.person(w.text, p.role);
      bySurname.set(entry.surnameKey, entry);
      store.mention(w.start, w.end, "person", entry.record.name, "name");
    }
  }
  return { records: finishRecords(store), mentions: store.mentions.sort((a, b) => a.start - b.start) };
}

function stripArticle(name: string): string {
  return name.replace(/^the\s+/i, "");
}

/** Turns an unknown segment into names to type, with the cues around it. */
function collectUnknown(
  words: Word[],
  segments: Segment[],
  s: number,
  lex: Lexicons,
  isWeak: (w: Word) => boolean,
  pending: PendingName[],
): void {
  const seg = segments[s];
  let from = seg.from;
  let to = seg.to;
  while (from < to && (EDGE_CONNECTOR(lex, words[from]) || (words[from].initial && isWeak(words[from])))) from++;
  while (to > from && EDGE_CONNECTOR(lex, words[to - 1])) to--;
  if (from >= to) return;
  const prevSeg = s > 0 ? segments[s - 1] : null;
  const titled = prevSeg?.type === "title";
  const before = seg.from > 0 ? words[seg.from - 1] : null;
  const after = to < words.length ? words[to] : null;
  const roleNounBefore = !!before && !titled && lex.roleNouns.has(before.text) && before.end <= words[seg.from].start;
  const speech =
    (!!after && !words[to - 1].possessive && lex.speechVerbs.has(after.text) && after.joined && segments[segments.length - 1].to === to) ||
    (!!before && (before.text === "said" || before.text === "says") && words[from].joined);
  const honorific = titled && lex.honorifics.has(keyOf(words, prevSeg.from, prevSeg.to));
  const role = titled ? titleRole(words, segments, s, lex) : roleNounBefore ? lowercaseRole(words, seg.from, lex) : null;
  // A country's possessive right before a name: "Brazil's X".
  const ownedByCountry =
    !!before && before.possessive && words[seg.from].start - before.end <= 4 && getGazetteer().byName.get(before.folded)?.[0]?.kind === "country";
  const personCue = titled || honorific || roleNounBefore || speech || ownedByCountry;
  // Within a capitalised run, ordinary words (Why, Cares) split names unless a title vouches for them.
  if (!personCue) {
    let partStart = -1;
    for (let k = from; k <= to; k++) {
      if (k < to && !isWeak(words[k]) && !EDGE_CONNECTOR(lex, words[k])) {
        if (partStart < 0) partStart = k;
        continue;
      }
      if (partStart >= 0) pending.push({ from: partStart, to: k, personCue: false, role: null });
      partStart = -1;
    }
    return;
  }
  // "Mr Brown and Tony Blair": a coordination names one person per part; the title is the first's.
  let partFrom = from;
  for (let k = from; k <= to; k++) {
    if (k < to && !isCoordinator(words[k])) continue;
    if (k > partFrom) pending.push({ from: partFrom, to: Math.min(k, partFrom + 4), personCue, role: partFrom === from ? role : null });
    partFrom = k + 1;
  }
}

const isCoordinator = (w: Word) => !w.capitalized && (w.folded === "and" || w.folded === "or");

/** "Ukraine's Foreign Minister X" or "Russian Foreign Minister X" -> "Foreign Minister of Ukraine/Russia". */
function titleRole(words: Word[], segments: Segment[], s: number, lex: Lexicons): string | null {
  const title = segments[s - 1];
  const titleText = words.slice(title.from, title.to).map((w) => w.text).join(" ");
  if (lex.honorifics.has(keyOf(words, title.from, title.to))) return null;
  const beforeTitle = s >= 2 ? segments[s - 2] : null;
  let country: string | null = null;
  if (beforeTitle && (beforeTitle.type === "demonym" || beforeTitle.type === "place") && beforeTitle.to === title.from) {
    country = beforeTitle.place!.name;
  } else if (title.from > 0 && words[title.from - 1].possessive && words[title.from].joined === false) {
    const owner = getGazetteer().byName.get(words[title.from - 1].folded)?.[0];
    if (owner && owner.kind === "country") country = owner.name;
  }
  if (!country && title.from > 0 && words[title.from - 1].possessive) {
    const owner = getGazetteer().byName.get(words[title.from - 1].folded)?.[0];
    if (owner && owner.kind === "country") country = owner.name;
  }
  return country ? `${titleText} of ${country}` : titleText;
}

/** "Kremlin spokesman X", "Russian presidential aide X": the modifiers and the role noun. */
function lowercaseRole(words: Word[], nameStart: number, lex: Lexicons): string {
  let k = nameStart - 1;
  const parts: string[] = [];
  while (k >= 0 && parts.length < 5) {
    const w = words[k];
    const modifier = w.capitalized || lex.roleNouns.has(w.text) || /^(?:[a-z]+(?:al|ary|ive|ior|ern|ish|ian|ese|ic)|former|deputy|chief|senior|top|vice|acting|foreign)$/.test(w.text);
    if (!modifier || (parts.length > 0 && !words[k + 1].joined) || w.possessive) break;
    parts.unshift(w.text);
    k--;
  }
  return parts.join(" ");
}

/** A single word the gazetteer knows, where it is not an ordinary word and the context fits a place. */
function acceptPlace(
  words: Word[],
  index: number,
  isCommon: (w: Word) => boolean,
  pending: PendingName[],
): GazetteerPlace | null {
  const w = words[index];
  const place = getGazetteer().byName.get(w.folded)?.[0];
  if (!place) return null;
  if (place.kind === "country" || place.rank >= CURATED_RANK) return place;
  const before = index > 0 ? words[index - 1] : null;
  const locative = !!before && LOCATIVES.has(before.text);
  if (isCommon(w)) return locative && place.rank >= BIG_CITY && !w.initial ? place : null;
  if (place.rank >= BIG_CITY) return place;
  // An upper-case dateline opens the story: "ISTANBUL, March 28 (Agency) -".
  const dateline = w.allCaps && w.initial && w.text.length >= 4;
  if (locative || dateline) return place;
  // Another pending name right before or after, joined by "and" or a comma: a list of places.
  const listed = pending.some(
    (p) => p.to - p.from === 1 && Math.abs(p.from - index) <= 2 && p.from !== index && getGazetteer().byName.has(words[p.from].folded),
  );
  return listed ? place : null;
}

function finishRecords(store: EntityStore): EntityRecords {
  const people: PersonRecord[] = [];
  for (const entry of store.people) {
    // The fullest, most frequent spelling names the person; the others are aliases.
    const forms = [...entry.forms.entries()].sort(
      (a, b) => b[0].split(/\s+/).length - a[0].split(/\s+/).length || b[1] - a[1],
    );
    const name = preferredSpelling(forms[0][0]);
    const aliases = new Set([...forms.map(([f]) => f), ...entry.record.aliases]);
    aliases.delete(name);
    const renamed = entry.record.name !== name;
    if (renamed) {
      for (const m of store.mentions) if (m.kind === "person" && m.name === entry.record.name) m.name = name;
    }
    people.push({ name, aliases: [...aliases], role: entry.record.role });
  }
  return {
    people,
    places: [...store.places.values()].map((p) => p.record),
    organizations: [...store.organizations.values()],
  };
}
