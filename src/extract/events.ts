// Event detection: trigger words from a lexicon (events/lexicon.json) give an event and its
// PLOVER type; rules around the trigger give its status, date, place and participants; mentions
// of the same happening within the article are merged. Pure: text in, records out.
import { addDays, findDateExpressions, resolveExpression, type DateExpression, type Tense } from "./dates.js";
import type { EntityMention } from "./entities.js";
import { eventSimilarity, summarizeEvent, type EventSummary } from "./events/compare.js";
import { TRIGGER_ENTRIES, ANY_TRIGGER, type TriggerEntry } from "./events/lexicon.js";
import type { EventRecord, EventStatus, PlaceKind, PlaceRecord, PloverType, Span } from "./types.js";

export interface EventContext {
  body: string;
  sentences: Span[];
  mentions: EntityMention[];
  /** The article's publication date (ISO), reference for relative dates. */
  publishedAt: string | null;
  /** Place records, to tell a city from a country. */
  places?: PlaceRecord[];
  /** Current time: fixes the year of a date when nothing in the article does. */
  now?: Date;
}

interface Trigger {
  entry: TriggerEntry;
  type: PloverType;
  sense: string;
  /** Offsets into the sentence text. */
  start: number;
  end: number;
  segment: number;
  negated: boolean;
  /** Set when the trigger is the complement of a governing trigger ("agreed to meet"). */
  complementOf: Trigger | null;
}

/** A detected event: the matching details that records may leave out are always filled. */
type DetectedEvent = EventRecord & Required<Pick<EventRecord, "sense" | "round" | "placeKind" | "placeCountry" | "locations" | "people" | "dateHint">>;

/** An event found in one sentence, before its date is resolved. */
interface Draft {
  sentenceIndex: number;
  trigger: Trigger;
  status: EventStatus;
  dateExpression: DateExpression | null;
  /** Offsets into the body where "a day after"-style expressions apply. */
  offsetExpression: DateExpression | null;
  place: { name: string; kind: PlaceKind | null; country: string | null } | null;
  locations: string[];
  participants: string[];
  people: string[];
  round: string | null;
  mode: string | null;
  anaphoric: boolean;
  evidence: Span;
  sentence: Span;
}

const NEGATION_BEFORE = /(?:\bnot|n['\u2019]t|\bnever|\brefused to|\brefuses to|\binstead of)\s+(?:[\w'\u2019-]+\s+){0,2}$/i;
const NOUN_NEGATION_BEFORE = /\b(?:no|without|any)\s+(?:[\w'\u2019-]+\s+){0,2}$/i;
const GOAL_BEFORE = /\b(?:strive|strives|striving|try|tries|trying|tried|aim|aims|aiming|seek|seeks|seeking|hope|hopes|hoped|hoping|attempts?|efforts?|bid|push|pushing)\s+(?:to|for)\s+(?:[\w'\u2019-]+\s+){0,6}$/i;
// The subject of talks or a deal is not an event of its own: "talks on a ceasefire".
const TOPIC_BEFORE = /\b(?:agreement|talks|negotiations|discussions?|deal|dispute|commitments?|focus)\s+(?:on|over|about|for|of)\s+(?:[\w-]+\s+){0,6}$/i;
const DETERMINER_BEFORE = /\b(?:the|this|that|these|those|its|their|his|her)\s+(?:[\w'\u2019-]+\s+){0,3}$/i;
// Triggers introduced like this are adjuncts ("demands before the meeting"), not a governor's complement.
const TEMPORAL_BEFORE = /\b(?:before|after|during|at|since|following|ahead of|until|amid)\s+(?:(?:the|this|that|its|their|his|her|a|an)\s+)?(?:[\w'\u2019-]+\s+){0,3}$/i;
const FUTURE_BEFORE = /\b(?:will|shall|would|is set to|are set to|is due to|are due to|plans? to|planned|planning to|is to|are to|is expected to|are expected to|upcoming|next|scheduled|to attend|to hold)\b|['\u2019]ll\b/i;
const FUTURE_AFTER = /\b(?:(?:will|to) be held|will take place|(?:is|are) (?:scheduled|due|set|expected) to|(?:is|are) scheduled for)\b/i;
const ONGOING_CUE = /\b(?:underway|under way|ongoing|continuing|still)\b/i;
const PROGRESSIVE_BEFORE = /\b(?:is|are|been|was|were)\s+(?:\w+ly\s+)?$/i;
// A place after one of these (and at most a few modifiers: "in Turkey's coastal ... province") is where the event happens.
// The greedy lead finds the preposition nearest the place.
const LOCATIVE_PREPOSITION = /^[\s\S]*(?:\b(in|at|near|outside|inside|from|across|throughout|(?:fly|flew|flies|flying|travel\w*|trip|visit\w*|arriv\w*|head\w*|went|go|goes|going) to)|\b(?:city|town|region|province|village|capital|port|area|areas|district|metropolis) of)\s+((?:[\w'\u2019.-]+\s+){0,4})$/i;
const NOT_A_MODIFIER = /^(?:as|that|and|or|but|which|who|where|when|with|by|for|on|in|at|of|to|from|into|between|among|against|over|since|is|are|was|were|has|have|had|said|will|war|\w+ing|\w+ed)$/i;
// Only these say when a later-mentioned event took place for an earlier one ("said after the meeting on Thursday").
const SAME_TIME_BEFORE = /\b(?:after|during|at|following)\s+(?:(?:the|this|that|its|their|his|her|a|an)\s+)?(?:[\w'\u2019-]+\s+){0,3}$/i;
const SEGMENT_BREAK = /[,;:()\u2014\u2013]|\s-\s|\s(?:but|while|whereas|though|although|because)\s/gi;
const DATELINE_BEFORE = /^[\p{Lu}][\p{Lu}\s.'-]+,\s*$/u;
const PHONE_SENSE = "phone";
const MAX_MERGE_CANDIDATES = 100;
const MAX_SENTENCE_CHARS = 2500;
const VISIT_SENSE = "visit";
const SPEAKER_AFTER = /^(?:,[^,.;]{0,80},)?\W{0,3}\s*(?:said|says|told|stated|added|insisted|warned|announced)\b/i;
const SPEAKER_BEFORE = /\b(?:said|says|told|stated|added|according to)\s+(?:[\w'\u2019-]+\s+){0,4}$/i;
const ORDINALS: Record<string, string> = { first: "1", second: "2", third: "3", fourth: "4", fifth: "5", sixth: "6", seventh: "7", eighth: "8", ninth: "9", tenth: "10" };
const CARDINALS: Record<string, string> = { two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9", ten: "10" };
const ROUND_ORDINAL = /\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+(?:[\w-]+\s+)?(?:round|session)\b/i;
const ROUND_SERIES = /\b(two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[\w-]+\s+){0,2}?(?:rounds|sessions)\b/i;
const THIRD_PARTY = /\b(?:mediat\w*|hosted|hosting|brokered)\b/i;
// Whose words these are matters for the kinds of events that are statements.
const STATEMENT_TYPES = new Set<PloverType>(["AGREE", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"]);
const NEGATABLE_TYPES = new Set<PloverType>(["CONSULT", "AGREE", "CONCEDE", "RETREAT", "COOPERATE", "SUPPORT", "AID"]);
const SPECIFICITY: Record<PlaceKind, number> = { city: 3, region: 2, other: 1, country: 0 };
const TYPE_NOUNS: Record<PloverType, string> = {
  CONSULT: "Talks", AGREE: "Agreement", SUPPORT: "Expression of support", COOPERATE: "Cooperation", AID: "Aid",
  CONCEDE: "Concession", RETREAT: "De-escalation", REQUEST: "Demand", ACCUSE: "Accusation", REJECT: "Rejection",
  THREATEN: "Threat", PROTEST: "Protest", SANCTION: "Sanctions", MOBILIZE: "Mobilization", COERCE: "Crackdown",
  ASSAULT: "Attack", DISASTER: "Disaster",
};

/** A headline or other line that is not prose: no closing punctuation and short, or mostly capitalised. */
function isHeadline(text: string): boolean {
  if (/[.!?\u2026"'\u201d\u2019)]$/.test(text)) return false;
  const words = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (words.length <= 15) return true;
  const capitalised = words.filter((w) => w.length > 3 && /^\p{Lu}/u.test(w)).length;
  return capitalised >= 0.6 * words.filter((w) => w.length > 3).length;
}

function segmentStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(SEGMENT_BREAK)) starts.push(m.index + m[0].length);
  return starts;
}

function segmentOf(starts: number[], offset: number): number {
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1] <= offset) i++;
  return i;
}

/** Triggers in one sentence: lexicon matches, longest first where they overlap, minus the ones the context rules out. */
function findTriggers(text: string, segments: number[]): Trigger[] {
  const matches: Trigger[] = [];
  for (const entry of TRIGGER_ENTRIES) {
    if (entry.needs && !entry.needs.test(text)) continue;
    // exec on the shared global pattern rather than matchAll, which clones the regex on every call.
    const pattern = entry.pattern;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (entry.notBefore?.test(text.slice(end, end + 80))) continue;
      if (entry.notAfter?.test(text.slice(Math.max(0, start - 40), start))) continue;
      if (entry.requiresAfter && !entry.isNoun(m[0]) && !entry.requiresAfter.test(text.slice(end, end + 40))) continue;
      matches.push({ entry, type: entry.type, sense: entry.sense, start, end, segment: segmentOf(segments, start), negated: false, complementOf: null });
    }
  }
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const triggers: Trigger[] = [];
  for (const t of matches) {
    if (triggers.some((k) => t.start < k.end && k.start < t.end)) continue;
    const before = text.slice(segments[t.segment], t.start);
    const preceding = text.slice(Math.max(0, t.start - 70), t.start);
    if (GOAL_BEFORE.test(preceding) || TOPIC_BEFORE.test(preceding)) continue;
    if (NEGATION_BEFORE.test(before.slice(-40))) {
      if (!NEGATABLE_TYPES.has(t.type) || t.entry.isNoun(text.slice(t.start, t.end))) continue;
      t.negated = true;
      t.type = "REJECT";
      t.sense = "rejection";
    } else if (NOUN_NEGATION_BEFORE.test(before.slice(-30))) continue;
    triggers.push(t);
  }
  // A governor's complement ("urged X to withdraw", "agreed to meet") is the content of the
  // governing event; it is an event of its own only when the governor announces it.
  const kept: Trigger[] = [];
  const hasPhoneCall = triggers.some((t) => t.sense === PHONE_SENSE);
  for (const t of triggers) {
    // "In a phone call, A and B discussed ...": the discussion is the call.
    if (hasPhoneCall && t.type === "CONSULT" && t.sense !== PHONE_SENSE) continue;
    // Two triggers of one type in one clause name one event ("declares a ceasefire and opens corridors"),
    // except a journey and what the traveller attends ("will fly to X to attend a meeting").
    if (kept.some((k) => k.type === t.type && k.segment === t.segment && k.sense !== VISIT_SENSE && t.sense !== VISIT_SENSE)) continue;
    const governor = [...kept].reverse().find((g) => g.entry.governs && !g.negated);
    if (governor && !t.negated && !TEMPORAL_BEFORE.test(text.slice(Math.max(0, t.start - 40), t.start))) {
      if (!governor.entry.keepsComplement) continue;
      t.complementOf = governor;
    }
    kept.push(t);
  }
  return kept;
}

function statusOf(text: string, t: Trigger, segmentStart: number, segmentEnd: number): EventStatus {
  const before = text.slice(Math.max(segmentStart, t.start - 50), t.start);
  const segment = text.slice(segmentStart, segmentEnd);
  if (ONGOING_CUE.test(segment) || (/ing$/i.test(text.slice(t.start, t.end)) && PROGRESSIVE_BEFORE.test(before))) return "ongoing";
  if (t.negated) return "occurred";
  if (FUTURE_BEFORE.test(before) || FUTURE_AFTER.test(text.slice(t.end, segmentEnd + 40))) return "planned";
  if (t.complementOf && !t.entry.isNoun(text.slice(t.start, t.end))) return "planned";
  return "occurred";
}

function roundOf(text: string): string | null {
  const ordinal = ROUND_ORDINAL.exec(text);
  if (ordinal) return ORDINALS[ordinal[1].toLowerCase()] ?? ordinal[1].replace(/\D/g, "");
  const series = ROUND_SERIES.exec(text);
  if (series) return `x${CARDINALS[series[1].toLowerCase()] ?? series[1]}`;
  return null;
}

/**
 * The date expression that dates a trigger: the first one after it (before the next trigger),
 * else the nearest one before it, else one past the next trigger when that trigger only says
 * when ("said after the meeting on Thursday").
 */
function dateFor(text: string, t: Trigger, next: Trigger | undefined, dates: DateExpression[]): DateExpression | null {
  const ownDates = dates.filter((d) => !d.offset);
  const after = ownDates.find((d) => d.start >= t.end && (!next || d.start < next.start));
  if (after) return after;
  const before = ownDates.filter((d) => d.end <= t.start).pop();
  if (before) return before;
  if (next && next.complementOf !== t && SAME_TIME_BEFORE.test(text.slice(Math.max(0, next.start - 40), next.start))) {
    return ownDates.find((d) => d.start >= t.end) ?? null;
  }
  return null;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function thirdPerson(verbPhrase: string): string {
  const [verb, ...rest] = verbPhrase.split(" ");
  const inflected = /(?:s|sh|ch|x)$/.test(verb) ? `${verb}es` : `${verb}s`;
  return [inflected, ...rest].join(" ");
}

/** One-line headline: who does what where ("A and B meet in C"), "to" for what is planned. */
function titleFor(type: PloverType, verbPhrase: string, participants: string[], place: string | null, status: EventStatus): string {
  const where = place ? ` in ${place}` : "";
  const actors = participants.slice(0, 3);
  if (actors.length === 0) return `${TYPE_NOUNS[type]}${where}${status === "planned" ? " planned" : ""}`;
  const verb = status === "planned" ? `to ${verbPhrase}` : actors.length === 1 ? thirdPerson(verbPhrase) : verbPhrase;
  return `${joinNames(actors)} ${verb}${where}`;
}

/** Folds a later mention of the same happening into the first: fields it lacks are filled in. */
function absorb(target: DetectedEvent, other: DetectedEvent): void {
  target.date ??= other.date;
  target.dateHint = target.date ? null : (target.dateHint ?? other.dateHint);
  target.round ??= other.round;
  target.mode ??= other.mode;
  const finer = other.place && (!target.place || (target.placeKind === "country" && other.placeKind !== "country"));
  if (finer) {
    target.place = other.place;
    target.placeKind = other.placeKind;
    target.placeCountry = other.placeCountry;
  }
  for (const p of other.participants) if (!target.participants.includes(p)) target.participants.push(p);
  for (const p of other.people) if (!target.people.includes(p)) target.people.push(p);
  for (const l of other.locations) if (!target.locations.includes(l)) target.locations.push(l);
}

/** Detects PLOVER events in an article body. */
export function detectEvents(context: EventContext): EventRecord[] {
  const { body, sentences, publishedAt } = context;
  const now = context.now ?? new Date();
  const placeRecords = new Map((context.places ?? []).map((p) => [p.name, p]));
  const mentions = [...context.mentions].sort((a, b) => a.start - b.start);
  const drafts: Draft[] = [];
  let mentionCursor = 0;

  sentences.forEach((sentence, sentenceIndex) => {
    // A run-on "sentence" (a list or table without full stops) is read up to MAX_SENTENCE_CHARS:
    // the rules below look around each trigger, and a bound keeps them linear.
    const text = body.slice(sentence.start, Math.min(sentence.end, sentence.start + MAX_SENTENCE_CHARS));
    while (mentionCursor < mentions.length && mentions[mentionCursor].start < sentence.start) mentionCursor++;
    if (!ANY_TRIGGER.test(text) || isHeadline(text)) return;
    const segments = segmentStarts(text);
    const triggers = findTriggers(text, segments);
    if (triggers.length === 0) return;
    const dates = findDateExpressions(text, publishedAt, now).filter((d) => !DATELINE_BEFORE.test(text.slice(0, d.start)));
    const local: EntityMention[] = [];
    for (let i = mentionCursor; i < mentions.length && mentions[i].start < sentence.start + text.length; i++) {
      local.push({ ...mentions[i], start: mentions[i].start - sentence.start, end: mentions[i].end - sentence.start });
    }
    const locativeCache = new Map<EntityMention, boolean>();
    const isLocative = (m: EntityMention): boolean => {
      if (!locativeCache.has(m)) locativeCache.set(m, locativeAt(m));
      return locativeCache.get(m)!;
    };
    const locativeAt = (m: EntityMention): boolean => {
      // "Russian shelling": a demonym names a party, never where something happens.
      if (m.kind !== "place" || m.via === "demonym") return false;
      // "Norland's coastal X province", "the Norland-Sudmark war": the place only modifies another word.
      if (/^(?:['\u2019]s?\b|-\w)/.test(text.slice(m.end, m.end + 3))) return false;
      // "in the cities of Istanbul or Ankara": a place listed after a locative place is one too.
      const previous = local.filter((p) => p.kind === "place" && p.end <= m.start).pop();
      if (previous && /^\s*(?:,|and|or|, and|, or)\s*$/.test(text.slice(previous.end, m.start)) && isLocative(previous)) return true;
      const match = LOCATIVE_PREPOSITION.exec(text.slice(Math.max(0, m.start - 80), m.start));
      if (!match || match[2].split(/\s+/).filter(Boolean).some((w) => NOT_A_MODIFIER.test(w))) return false;
      // A country something comes from is a party, not the place ("weapons from the U.S.").
      return !(placeRecords.get(m.name)?.kind === "country" && match[1]?.toLowerCase() === "from");
    };
    const speakers = local.filter((m) => m.kind !== "place" && (SPEAKER_AFTER.test(text.slice(m.end, m.end + 100)) || SPEAKER_BEFORE.test(text.slice(Math.max(0, m.start - 50), m.start))));

    triggers.forEach((t, i) => {
      const next = triggers[i + 1];
      const segmentStart = segments[t.segment];
      const segmentEnd = segments[t.segment + 1] ?? text.length;
      const scopeEnd = next ? Math.max(t.end, next.segment === t.segment ? next.start : segments[next.segment]) : text.length;
      const scopeStart = Math.max(segmentStart, i > 0 ? Math.min(triggers[i - 1].end, t.start) : 0);
      const before = text.slice(segmentStart, t.start);
      const dateExpression = dateFor(text, t, next, dates);
      const offsetExpression = dates.find((d) => d.offset && (d.offset.appliesTo === "sentence" || d.end <= t.start)) ?? null;
      const round = t.type === "CONSULT" ? roundOf(text.slice(segmentStart, scopeEnd)) : null;

      // Place: a place named after a locative preposition in the trigger's scope, else earlier in its segment.
      const locatives = local.filter(isLocative);
      let placeMentions = locatives.filter((m) => m.start >= scopeStart && m.start < scopeEnd);
      // Else one named before it and after the previous trigger ("Hosted in X, this was the meeting").
      if (placeMentions.length === 0) placeMentions = locatives.filter((m) => m.start >= (i > 0 ? triggers[i - 1].end : 0) && m.end <= t.start);
      const placeCandidates = [...new Map(placeMentions.map((m) => [m.name, m])).values()].map((m) => {
        const record = placeRecords.get(m.name);
        return { name: m.name, kind: record?.kind ?? null, country: record?.country ?? null, at: m.start };
      });
      const best = Math.max(...placeCandidates.map((p) => (p.kind ? SPECIFICITY[p.kind] : 1)));
      const finest = placeCandidates.filter((p) => (p.kind ? SPECIFICITY[p.kind] : 1) === best);
      // Several places of the same scale ("four cities") leave the place open.
      const place = placeCandidates.length === 0 ? null : finest.length === 1 || !placeCandidates.some((p) => p.kind) ? finest[finest.length - 1] : null;

      // Participants: who is named around the trigger, else the sentence's subject; the speaker for statements.
      const actors = local.filter((m) => !isLocative(m));
      let taking = actors.filter((m) => m.start >= scopeStart && m.start < scopeEnd);
      if (!taking.some((m) => m.end <= t.start)) {
        const subject = actors.filter((m) => m.end <= scopeStart).pop();
        if (subject) taking = [subject, ...taking];
      }
      if (STATEMENT_TYPES.has(t.type)) taking = [...taking, ...speakers];
      const participants = [...new Set(taking.map((m) => m.name))];
      const people = [...new Set(taking.filter((m) => m.kind === "person").map((m) => m.name))];
      // A call nobody is named in is telephony, not diplomacy ("route phone calls").
      if (t.sense === PHONE_SENSE && !taking.some((m) => m.kind !== "place" || m.via !== "demonym")) return;

      const sentenceStatus = statusOf(text, t, segmentStart, segmentEnd);
      // Details right at the trigger make it a new mention ("the talks on Monday in Belarus"), not a back-reference.
      const hasOwnDetail = (dateExpression && dateExpression.start >= t.start - 30 && dateExpression.start - t.end < 80) || placeMentions.some((m) => m.start > t.start && m.start - t.end < 50) || round;
      const anaphoric = t.entry.isNoun(text.slice(t.start, t.end)) && DETERMINER_BEFORE.test(before.slice(-40)) && !hasOwnDetail;
      const evidenceStart = Math.min(segmentStart, t.start);
      const evidenceEnd = Math.max(segmentEnd, t.end, dateExpression && dateExpression.start >= t.end && dateExpression.start < scopeEnd ? dateExpression.end : 0);
      const raw = text.slice(evidenceStart, evidenceEnd);
      const lead = raw.length - raw.trimStart().length;
      const trimmed = raw.trim().replace(/[\s,;:\u2014\u2013-]+$/, "").replace(/(?<=[\p{Ll}\d])\.$/u, "");

      drafts.push({
        sentenceIndex,
        trigger: t,
        status: sentenceStatus,
        dateExpression,
        offsetExpression,
        place,
        locations: [...new Set(placeMentions.map((m) => m.name))],
        participants,
        people,
        round,
        mode: t.entry.mode ?? (t.type === "CONSULT" && THIRD_PARTY.test(text) ? "third-party" : null),
        anaphoric,
        evidence: { start: sentence.start + evidenceStart + lead, end: sentence.start + evidenceStart + lead + trimmed.length },
        sentence,
      });
    });
  });

  const reference = publishedAt ?? anchorDate(drafts);
  const events: DetectedEvent[] = [];
  const anaphoric: boolean[] = [];
  // The date a sentence passes on to the next: its first event's, for at most two sentences.
  let lastDated = null as { date: string; sentenceIndex: number; status: EventStatus; hops: number } | null;
  for (const d of drafts) {
    const tense: Tense = d.status === "planned" ? "future" : "past";
    let date = d.dateExpression ? resolveExpression(d.dateExpression, reference, tense) : null;
    if (!d.dateExpression && d.offsetExpression?.offset && lastDated) date = addDays(lastDated.date, d.offsetExpression.offset.days);
    // A sentence that gives no date continues the one before it when that one did.
    else if (!d.dateExpression && lastDated && lastDated.sentenceIndex === d.sentenceIndex - 1 && lastDated.status === d.status && lastDated.hops < 2 && !d.anaphoric) {
      date = lastDated.date;
    }
    let status = d.status;
    if (status === "occurred" && date && publishedAt && date > publishedAt) status = "planned";
    if (date && lastDated?.sentenceIndex !== d.sentenceIndex) {
      lastDated = { date, sentenceIndex: d.sentenceIndex, status, hops: d.dateExpression ? 0 : lastDated ? lastDated.hops + 1 : 0 };
    }
    events.push({
      start: d.evidence.start,
      end: d.evidence.end,
      type: d.trigger.type,
      mode: d.mode,
      date,
      place: d.place?.name ?? null,
      participants: d.participants,
      status,
      title: "",
      text: body.slice(d.evidence.start, d.evidence.end),
      sentence: body.slice(d.sentence.start, d.sentence.end),
      sense: d.trigger.sense,
      round: d.round,
      placeKind: d.place?.kind ?? null,
      placeCountry: d.place?.country ?? null,
      locations: d.locations,
      people: d.people,
      dateHint: !date && d.dateExpression?.hint ? d.dateExpression.hint : null,
    });
    anaphoric.push(d.anaphoric);
  }
  return mergeWithinArticle(events, anaphoric, reference);
}

/**
 * When the article has no date, the dates it states fix one: the latest date of something
 * that already happened, else the earliest date of something planned.
 */
function anchorDate(drafts: Draft[]): string | null {
  const past = drafts.filter((d) => d.dateExpression?.date && d.status !== "planned").map((d) => d.dateExpression!.date!);
  if (past.length) return past.sort().at(-1)!;
  const planned = drafts.filter((d) => d.dateExpression?.date).map((d) => d.dateExpression!.date!);
  return planned.length ? planned.sort()[0] : null;
}

// Within one article the bar is evidence that names the same date, place, round or person.
const SAME_ARTICLE_THRESHOLD = 2;

/**
 * Merges mentions of the same happening within the article: back-references ("the meeting"),
 * repeats, and the specifics that follow a first definite mention ("the first high-level talks
 * ... the meeting in Turkey on Thursday").
 */
function mergeWithinArticle(events: DetectedEvent[], anaphoric: boolean[], reference: string | null): DetectedEvent[] {
  const kept: DetectedEvent[] = [];
  // Definite first mentions still waiting for the details a later mention gives.
  const open = new Set<DetectedEvent>();
  // Summaries of kept events, dropped when a merge changes the event.
  const summaries = new Map<DetectedEvent, EventSummary>();
  const summaryOf = (k: DetectedEvent) => {
    let summary = summaries.get(k);
    if (!summary) summaries.set(k, (summary = summarizeEvent(k, reference)));
    return summary;
  };
  // Only events of the same type and sense can merge; the latest MAX_MERGE_CANDIDATES of them are
  // compared (a real article has far fewer), which keeps a page of repeated triggers linear.
  const keptByKind = new Map<string, DetectedEvent[]>();
  const kindOf = (e: DetectedEvent) => `${e.type}|${e.sense}`;
  const recent = (event: DetectedEvent) => (keptByKind.get(kindOf(event)) ?? []).slice(-MAX_MERGE_CANDIDATES);
  // A back-reference names the event, not who took part: only date, place and round can rule a candidate out.
  const compatible = (k: DetectedEvent, event: DetectedEvent) =>
    k.type === event.type &&
    k.sense === event.sense &&
    eventSimilarity({ ...summaryOf(k), personNames: [] }, { ...summarizeEvent(event, reference), personNames: [], status: k.status }) > 0;
  events.forEach((event, i) => {
    const summary = summarizeEvent(event, reference);
    let target: DetectedEvent | undefined;
    if (anaphoric[i]) target = recent(event).reverse().find((k) => compatible(k, event));
    if (!target) {
      let bestScore = SAME_ARTICLE_THRESHOLD;
      for (const k of kept.length > MAX_MERGE_CANDIDATES ? recentAll() : kept) {
        const score = eventSimilarity(summaryOf(k), summary);
        if (score >= bestScore) {
          bestScore = score;
          target = k;
        }
      }
    }
    if (!target) target = [...open].slice(-MAX_MERGE_CANDIDATES).find((k) => compatible(k, event));
    if (target) {
      absorb(target, event);
      summaries.delete(target);
      open.delete(target);
      return;
    }
    const copy = { ...event, participants: [...event.participants], people: [...event.people], locations: [...event.locations] };
    kept.push(copy);
    const sameKind = keptByKind.get(kindOf(copy));
    if (sameKind) sameKind.push(copy);
    else keptByKind.set(kindOf(copy), [copy]);
    if (anaphoric[i]) open.add(copy);
  });
  function recentAll(): DetectedEvent[] {
    return kept.slice(-MAX_MERGE_CANDIDATES);
  }
  for (const e of kept) e.title = titleFor(e.type, titleVerb(e), e.participants, e.place, e.status);
  return kept;
}

function titleVerb(e: EventRecord): string {
  if (e.type === "REJECT") return "reject";
  return TRIGGER_ENTRIES.find((entry) => entry.sense === e.sense)?.title ?? "act";
}
