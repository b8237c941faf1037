import type { EntityKind, EntityMention } from "./entities.js";
import { looksLikeName, nameRuns, type NameRun } from "./quotes/names.js";
import { findQuotedSpans, type QuotedSpan } from "./quotes/spans.js";
import type { QuoteRecord, Span } from "./types.js";

const SPEECH_VERB =
  "said|says|say|told|tells|added|adds|stated|states|noted|notes|explained|explains|insisted|insists|argued|argues|" +
  "warned|warns|claimed|claims|wrote|writes|asked|asks|replied|replies|announced|announces|declared|declares|" +
  "continued|continues|concluded|commented|remarked|admitted|admits|acknowledged|acknowledges|suggested|suggests|" +
  "urged|urges|stressed|stresses|reported|reports|tweeted|posted|maintained|maintains|recalled|predicted|confirmed|" +
  "revealed|complained|joked|cautioned|emphasised|emphasized|emphasises|emphasizes|described|describes|called|calls|" +
  "observed|conceded|vowed|pledged|promised|demanded|countered|responded|answered|quoted|believes|thinks|agreed|" +
  "agrees|shouted|pointed out|went on|wrote on|blamed|accused|denied|denies|hoped|hopes|feared|fears|disagreed";
const SPEECH_VERB_RE = new RegExp(`\\b(?:${SPEECH_VERB})\\b`, "gi");
const ACCORDING_TO_RE = /\baccording to\b/gi;
// Common nouns that stand for an unnamed source ("officials said"): not names even when capitalised.
const NOMINAL_SOURCE =
  /^(?:officials?|police|prosecutors?|witnesses?|residents?|analysts?|experts?|critics?|sources?|campaigners?|observers?|doctors?|scientists?|researchers?|investigators?|authorities|spokes(?:man|woman|person)|aides?|diplomats?|lawyers?|people|reports?|media|others?|some|many|both)$/i;
// The head noun of an organisation named by a common noun: "the ministry said in a statement".
const ORGANIZATION_NOUN =
  /\b(ministry|government|agency|company|firm|police|army|military|department|office|council|committee|court|bank|group|party|union|commission|authority|service|embassy|kremlin|cabinet|administration|board|club|federation|association|organi[sz]ation|institute|university|parliament|assembly|coalition|alliance|directorate|network|broadcaster|newspaper|channel)\b/i;
// A pronoun subject at the end of the phrase before a speech verb: "According to a text, he told".
const PRONOUN_SUBJECT = /(?:^|[\s,])(he|she|it|they|we)(?:\s+(?:also|later|then|further|again|had|has|once|has also|had also))?$/i;
const PRONOUN_OBJECT = /^(he|she|it|they|we)$/i;
// Words before a quotation that mark it as a title or a name, not speech.
const TITLE_CUE = /\b(?:titled|entitled|headlined|dubbed|so-called|named|slogan|hashtag|motto|song|album|film|book|novel|series|programme|program|show)\s*$/i;
const SMALL_WORDS = new Set(["a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "with", "by", "from", "is"]);
const ABBREVIATION = /(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Prof|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b\p{Lu}|\.\p{L})$/u;

interface Attribution {
  speaker: string | null;
  /** A source was named or described ("a spokesman said"), even if it could not be resolved. */
  found: boolean;
}

interface Candidate extends Span {
  name: string;
  kind: EntityKind;
  possessive: boolean;
  gender: NameRun["gender"];
}

// How far back a sentence or paragraph start is looked for: a quotation's attribution lies within
// a sentence, and the bound keeps one huge paragraph with many quotations linear.
const MAX_LOOKBACK = 1500;
// No sentence before a quotation runs longer than this.
const MAX_SENTENCE_LOOKBACK = 800;

/** Index of the first item whose `start` is >= `at` (items sorted by start). */
function firstStartingAt(items: Span[], at: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last word of a name: "Smith" of "Jane Smith". */
const lastWord = (name: string): string => name.slice(name.lastIndexOf(" ") + 1);

const countWords = (text: string): number => text.match(/[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu)?.length ?? 0;

/** Finds direct quotations and who said them. Speakers are the canonical names of `mentions`, or the name as written. */
export function extractQuotes(body: string, _sentences: Span[], mentions: EntityMention[]): QuoteRecord[] {
  const spans = findQuotedSpans(body);
  // Quotes are read off quotation marks only: without any, the context (name runs over the whole body) is not needed.
  if (spans.length === 0) return [];
  const context = new QuoteContext(body, spans, mentions);
  const quotes: QuoteRecord[] = [];
  let previous: { close: number; speaker: string | null; attributed: boolean } | null = null;
  for (const span of context.spans) {
    const { start, end } = trimQuote(body, span);
    const text = body.slice(start, end);
    const attribution = context.attribute(span, text);
    let speaker = attribution.speaker;
    let attributed = attribution.found;
    if (!attributed && previous?.attributed && context.paragraphBreaks(previous.close, span.open) <= 1) {
      // "First part," he said. "Second part." — an unattributed quote continues the previous speaker.
      speaker = previous.speaker;
      attributed = true;
    }
    if (!attributed && context.opensSentence(span)) {
      // A quotation standing alone after a sentence about someone is theirs: "Smith is confident. “We will win.”"
      speaker = context.subjectBefore(span.open);
      attributed = speaker !== null;
    }
    if (!isSpeech(body, span, text, attributed)) continue;
    quotes.push({ speaker, text, start, end });
    previous = { close: span.close, speaker, attributed };
  }
  return quotes;
}

/** The quotation without surrounding blanks or the comma that hands over to the attribution. */
function trimQuote(body: string, span: QuotedSpan): Span {
  let start = span.start;
  let end = span.end;
  while (start < end && /\s/.test(body[start])) start++;
  while (end > start && /[\s,]/.test(body[end - 1])) end--;
  return { start, end };
}

function isSpeech(body: string, span: QuotedSpan, text: string, attributed: boolean): boolean {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (countWords(text) < 4) return false;
  const endsLikeSpeech = /[.!?,;:\u2026]$/.test(body.slice(span.start, span.end).trimEnd());
  const before = body.slice(Math.max(0, span.open - 40), span.open);
  if (TITLE_CUE.test(before)) return false;
  // A title in title case ("The Return of the King"), quoted without end punctuation.
  const capitalised = words.filter((w) => !SMALL_WORDS.has(w.toLowerCase()));
  const titleCase = capitalised.length >= 2 && capitalised.every((w) => /^[\p{Lu}\p{N}]/u.test(w));
  if (titleCase && !endsLikeSpeech) return false;
  if (attributed) return true;
  // Unattributed: keep whole sentences quoted on their own, drop short noun phrases (scare quotes).
  const midSentence = /[\p{Ll},]\s*$/u.test(before);
  return endsLikeSpeech ? !midSentence || words.length >= 8 : words.length >= 8 && !midSentence;
}

class QuoteContext {
  readonly spans: QuotedSpan[];
  private readonly candidates: Candidate[];
  private readonly fullNames = new Map<string, string>();
  /** looksLikeName by name and title gender: it may scan the whole body, and the same names recur. */
  private readonly nameLike = new Map<string, boolean>();

  constructor(
    private readonly body: string,
    spans: QuotedSpan[],
    mentions: EntityMention[],
  ) {
    this.spans = spans;
    const runs = nameRuns(body, 0, body.length);
    const genders = new Map<string, NameRun["gender"]>();
    for (const run of runs) {
      const last = lastWord(run.name);
      if (run.name.includes(" ") && !this.fullNames.has(last)) this.fullNames.set(last, run.name);
      if (run.gender) genders.set(last, run.gender);
    }
    const genderOf = (name: string) => genders.get(lastWord(name)) ?? null;
    const outsideQuotes = (s: Span) => {
      const q = this.spans[firstStartingAt(this.spans, s.start + 1) - 1];
      return !q || !(s.start >= q.start && s.end <= q.end);
    };
    // "Russian officials said": a nationality adjective does not make the country the speaker.
    const fromMentions: Candidate[] = mentions.filter((m) => m.via !== "demonym" && outsideQuotes(m)).map((m) => ({
      start: m.start,
      end: m.end,
      name: m.name,
      kind: m.kind,
      possessive: /^['\u2019]s?\b/.test(body.slice(m.end, m.end + 2)),
      gender: genderOf(m.name),
    }));
    // Without entity mentions, names written out in full stand in for people.
    const fromRuns = (): Candidate[] =>
      runs
        .filter((r) => outsideQuotes(r) && !ORGANIZATION_NOUN.test(r.name))
        .map((r) => ({ ...r, name: r.name.includes(" ") || !this.fullNames.has(r.name) ? r.name : this.fullNames.get(r.name)!, kind: "person" as const }))
        .filter((r) => r.name.includes(" ") || r.gender)
        .map((r) => ({ ...r, gender: genderOf(r.name) }));
    this.candidates = (fromMentions.length ? fromMentions : fromRuns()).sort((a, b) => a.start - b.start);
  }

  /** Candidates starting in [from, to), in order. */
  private candidatesIn(from: number, to: number): Candidate[] {
    const out: Candidate[] = [];
    for (let k = firstStartingAt(this.candidates, from); k < this.candidates.length && this.candidates[k].start < to; k++) out.push(this.candidates[k]);
    return out;
  }

  /** Candidates starting before `before`, latest first, looking back no further than `from`. */
  private *candidatesBackFrom(before: number, from = 0): Generator<Candidate> {
    for (let k = firstStartingAt(this.candidates, before) - 1; k >= 0 && this.candidates[k].start >= from; k--) yield this.candidates[k];
  }

  /** Start of the paragraph holding `at`, or `at - MAX_LOOKBACK` if that is later. */
  private paragraphStart(at: number, lookback = MAX_LOOKBACK): number {
    const stop = Math.max(0, at - lookback);
    let i = at - 1;
    while (i >= stop && this.body.charCodeAt(i) !== 10) i--;
    return i + 1;
  }

  /** Whether offset `i` lies inside a quotation (between its marks). */
  private insideQuote(i: number): boolean {
    const q = this.spans[firstStartingAt(this.spans, i + 1) - 1];
    return !!q && i > q.open && i < q.close;
  }

  paragraphBreaks(from: number, to: number): number {
    return this.body.slice(from, to).match(/\n\s*/g)?.length ?? 0;
  }

  attribute(span: QuotedSpan, text: string): Attribution {
    const right = this.attributeAfter(span, text);
    if (right.found) return right;
    return this.attributeBefore(span);
  }

  /** “...,” Smith said / “...,” said Smith / “...,” according to X / “...,” AP quoted X as saying. */
  private attributeAfter(span: QuotedSpan, text: string): Attribution {
    const body = this.body;
    const next = this.spans[firstStartingAt(this.spans, span.close + 1)];
    const limit = Math.min(this.paragraphEnd(span.close), next ? next.open : body.length, span.close + 200);
    const tail = body.slice(span.close, limit);
    // Without a handover comma ("...," he said) the attribution must be a short clause of its own.
    const handover = /[,?!]$/.test(body.slice(span.start, span.end).trimEnd()) || /^\s*,/.test(tail);
    const clauseEnd = this.sentenceEnd(span.close, limit);
    const clause = body.slice(span.close, clauseEnd);
    const lead = clause.match(/^[\s,.:;\u2014\u2013-]*/)![0].length;
    const according = /^according to\s+/i.exec(clause.slice(lead));
    if (according) {
      const npStart = span.close + lead + according[0].length;
      return this.speakerAfterVerb(npStart, this.phraseEnd(npStart, clauseEnd));
    }
    SPEECH_VERB_RE.lastIndex = 0;
    const verb = SPEECH_VERB_RE.exec(clause);
    if (!verb) return { speaker: null, found: false };
    const verbAt = span.close + verb.index;
    const between = clause.slice(lead, verb.index);
    if (countWords(between) > 12 || /[.!?;:]/.test(between.replace(/\b\p{Lu}\./gu, ""))) return { speaker: null, found: false };
    const rest = body.slice(verbAt + verb[0].length, clauseEnd);
    if (!handover && (countWords(rest) > 8 || countWords(between) > 6 || /\bthat\b/i.test(rest))) return { speaker: null, found: false };
    if (countWords(between) === 0) {
      const npStart = verbAt + verb[0].length;
      return this.speakerAfterVerb(npStart, this.phraseEnd(npStart, clauseEnd), clauseEnd);
    }
    if (verb[0].toLowerCase() === "quoted") {
      const npStart = verbAt + verb[0].length;
      const asSaying = body.slice(npStart, clauseEnd).search(/\bas saying\b/i);
      if (asSaying > 0) return this.speakerAfterVerb(npStart, npStart + asSaying);
    }
    // "“...,” he was due to say": a pronoun opening the phrase is its subject.
    const pronoun = /^(he|she|it|they|we)\b/i.exec(between);
    if (pronoun) return { speaker: this.resolvePronoun(pronoun[1].toLowerCase(), verbAt), found: true };
    return this.speakerBeforeVerb(span.close + lead, verbAt);
  }

  /** Smith said: “...” / According to X, “...” / Smith called the meeting “...”. */
  private attributeBefore(span: QuotedSpan): Attribution {
    const from = this.sentenceStart(span.open);
    const clause = this.body.slice(from, span.open);
    let best: { index: number; length: number; according: boolean } | null = null;
    for (const m of clause.matchAll(ACCORDING_TO_RE)) best = { index: m.index, length: m[0].length, according: true };
    // matchAll starts at the shared regex's lastIndex, which attributeAfter's exec leaves behind.
    SPEECH_VERB_RE.lastIndex = 0;
    for (const m of clause.matchAll(SPEECH_VERB_RE))
      if (!best || m.index > best.index) best = { index: m.index, length: m[0].length, according: false };
    if (!best) return { speaker: null, found: false };
    if (best.according) {
      const npStart = from + best.index + best.length;
      return this.speakerAfterVerb(npStart, this.phraseEnd(npStart, span.open));
    }
    return this.speakerBeforeVerb(from, from + best.index);
  }

  /** The speaker named in the phrase ending at a speech verb, nearest the verb. */
  private speakerBeforeVerb(from: number, verbAt: number): Attribution {
    const body = this.body;
    // Skip relative clauses (", who met X,") and quoted text within the phrase.
    let start = from;
    const phrase = body.slice(from, verbAt);
    const lastBreak = Math.max(phrase.lastIndexOf("\u201d"), phrase.lastIndexOf('"'));
    if (lastBreak >= 0) start = from + lastBreak + 1;
    const np = body.slice(start, verbAt).trim();
    if (!np) return { speaker: null, found: false };
    const pronoun = PRONOUN_SUBJECT.exec(np);
    if (pronoun) return { speaker: this.resolvePronoun(pronoun[1].toLowerCase(), verbAt), found: true };
    const relative = /,\s*(?:who|which|whose)\b[^,]*,?/gi;
    const excluded: Span[] = [];
    for (const m of phrase.slice(start - from).matchAll(relative)) excluded.push({ start: start + m.index, end: start + m.index + m[0].length });
    const inPhrase = (s: Span) => s.start >= start && s.end <= verbAt && !excluded.some((x) => s.start >= x.start && s.end <= x.end);
    const chosen = this.pickCandidate(this.candidatesIn(start, verbAt).filter(inPhrase), "nearest-last");
    if (chosen) return { speaker: chosen, found: true };
    const fallback = this.pickRun(nameRuns(body, start, verbAt).filter(inPhrase), "nearest-last");
    if (fallback) return { speaker: fallback, found: true };
    return { speaker: this.organizationByNoun(np, verbAt), found: countWords(np) > 0 && countWords(np) <= 12 };
  }

  /** The speaker named right after a speech verb: said Smith, who... / said one of their lawyers, X / said a statement by X. */
  private speakerAfterVerb(from: number, to: number, clauseEnd = to): Attribution {
    const np = this.body.slice(from, to).trim();
    if (!np) return { speaker: null, found: false };
    const pronoun = PRONOUN_OBJECT.exec(np);
    if (pronoun) return { speaker: this.resolvePronoun(pronoun[1].toLowerCase(), from), found: true };
    const inPhrase = (s: Span) => s.start >= from && s.end <= to;
    const chosen = this.pickCandidate(this.candidatesIn(from, to).filter(inPhrase), "first");
    if (chosen) return { speaker: chosen, found: true };
    const fallback = this.pickRun(nameRuns(this.body, from, to), "first");
    if (fallback) return { speaker: fallback, found: true };
    const organization = this.organizationByNoun(np, from);
    // An apposition may name the source described first: "said one of their lawyers, Michalis Dimitrakopoulos".
    if (!organization && this.body[to] === "," && to + 1 < clauseEnd) {
      const named = this.speakerAfterVerb(to + 1, this.phraseEnd(to + 1, clauseEnd));
      if (named.speaker) return named;
    }
    return { speaker: organization, found: true };
  }

  /** People before organizations before places; possessives ("Zelenskiy’s deputy") only as a last resort. */
  private pickCandidate(found: Candidate[], order: "first" | "nearest-last"): string | null {
    const ranked = order === "first" ? found : [...found].reverse();
    for (const kind of ["person", "organization", "place"] as const) {
      const ofKind = ranked.filter((c) => c.kind === kind);
      const chosen = ofKind.find((c) => !c.possessive) ?? ofKind[0];
      if (chosen) return chosen.name;
    }
    return null;
  }

  private pickRun(runs: NameRun[], order: "first" | "nearest-last"): string | null {
    const usable = runs.filter((r) => !NOMINAL_SOURCE.test(r.name) && this.looksLikeName(r));
    const ranked = order === "first" ? usable : [...usable].reverse();
    const chosen = ranked.find((r) => !r.possessive) ?? ranked[0];
    if (!chosen) return null;
    return chosen.name.includes(" ") ? chosen.name : (this.fullNames.get(chosen.name) ?? chosen.name);
  }

  private looksLikeName(run: NameRun): boolean {
    const key = `${run.name}|${run.gender}`;
    let result = this.nameLike.get(key);
    if (result === undefined) this.nameLike.set(key, (result = looksLikeName(this.body, run)));
    return result;
  }

  /** "the ministry said": the latest organization mentioned whose name has that noun. */
  private organizationByNoun(np: string, before: number): string | null {
    const noun = ORGANIZATION_NOUN.exec(np)?.[1]?.toLowerCase();
    if (!noun) return null;
    for (const c of this.candidatesBackFrom(before)) if (c.kind === "organization" && c.name.toLowerCase().includes(noun)) return c.name;
    return null;
  }

  /**
   * he/she: the subject of the closest sentence before that names a person (its first person
   * not written as a possessive), skipping people whose title says the other sex.
   * it: the latest organization. they/we: unresolved.
   */
  private resolvePronoun(pronoun: string, before: number): string | null {
    if (pronoun === "it") {
      for (const c of this.candidatesBackFrom(before)) if (c.kind === "organization") return c.name;
      return null;
    }
    if (pronoun !== "he" && pronoun !== "she") return null;
    const excluded = pronoun === "he" ? "female" : "male";
    const isPerson = (c: Candidate) => c.kind === "person" && c.end <= before && c.gender !== excluded;
    let latest: Candidate | undefined;
    for (const c of this.candidatesBackFrom(before)) {
      if (isPerson(c)) {
        latest = c;
        break;
      }
    }
    if (!latest) return null;
    const sentenceFrom = this.sentenceStart(latest.start);
    const inSentence = this.candidatesIn(sentenceFrom, before).filter(isPerson);
    return (inSentence.find((c) => !c.possessive) ?? latest).name;
  }

  /** Whether the quotation starts its own sentence, after earlier text in its paragraph. */
  opensSentence(span: QuotedSpan): boolean {
    const before = this.body.slice(this.paragraphStart(span.open, 200), span.open);
    return /[.!?]["\u201d\u2019']?\s+$/.test(before);
  }

  /** The person the sentence before `at`, in the same paragraph, is about: its first person not written as a possessive. */
  subjectBefore(at: number): string | null {
    const paragraphStart = this.paragraphStart(at);
    const people = this.candidatesIn(paragraphStart, at).filter((c) => c.kind === "person" && c.end <= at);
    const latest = people.at(-1);
    if (!latest) return null;
    const sentenceFrom = this.sentenceStart(latest.start);
    const inSentence = people.filter((c) => c.start >= sentenceFrom);
    return (inSentence.find((c) => !c.possessive) ?? latest).name;
  }

  private paragraphEnd(at: number): number {
    const nl = this.body.indexOf("\n", at);
    return nl < 0 ? this.body.length : nl;
  }

  /** Start of the sentence holding `at`, ignoring full stops inside quotations and after abbreviations. */
  private sentenceStart(at: number): number {
    const body = this.body;
    const paragraphStart = this.paragraphStart(at, MAX_SENTENCE_LOOKBACK);
    for (let i = at - 1; i > paragraphStart; i--) {
      const c = body.charCodeAt(i);
      if ((c !== 46 && c !== 33 && c !== 63) || !/\s/.test(body[i + 1] ?? " ")) continue;
      if (this.insideQuote(i)) continue;
      if (ABBREVIATION.test(body.slice(Math.max(paragraphStart, i - 6), i))) continue;
      let j = i + 1;
      while (j < at && /\s/.test(body[j])) j++;
      return j;
    }
    return paragraphStart;
  }

  /** End of the sentence that starts at or continues from `from`, no further than `limit`. */
  private sentenceEnd(from: number, limit: number): number {
    const body = this.body;
    for (let i = from + 1; i < limit; i++) {
      const c = body.charCodeAt(i);
      if ((c !== 46 && c !== 33 && c !== 63) || !/\s/.test(body[i + 1] ?? " ")) continue;
      if (ABBREVIATION.test(body.slice(Math.max(from, i - 6), i))) continue;
      return i;
    }
    return limit;
  }

  /** End of a noun phrase after a verb: up to a comma, "who", or the clause end. */
  private phraseEnd(from: number, limit: number): number {
    const rest = this.body.slice(from, limit);
    const stop = rest.search(/,|;|:|\bwho\b|\bwhich\b|\bas saying\b|\bin an? \b|\bon \p{Lu}|\bat an? \b/u);
    return stop < 0 ? limit : from + stop;
  }
}
