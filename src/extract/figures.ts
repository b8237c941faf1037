import { findNumbers, type NumberToken } from "./numbers.js";
import type { FigureRecord, Qualifier, Span } from "./types.js";

const MONTH = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const MONTH_BEFORE = new RegExp(`\\b(?:${MONTH})\\.?,?\\s+$`, "i");
const MONTH_AFTER = new RegExp(`^(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTH})\\b`, "i");
const CLOCK_AFTER = /^\s?(?:a\.?m\b\.?|p\.?m\b\.?|GMT|BST|UTC|[A-Z]{2,3}T\b|MSK|o'clock|hrs?\b|h\b)/i;

const QUALIFIERS: [RegExp, Qualifier][] = [
  [/\b(?:at least|no fewer than|no less than|a minimum of|not less than)\s+$/i, "at least"],
  [/\b(?:up to|as many as|as much as|a maximum of|no more than|not more than)\s+$/i, "up to"],
  [/\b(?:more than|over|above|in excess of|upwards of|exceeding|greater than|beyond)\s+$/i, "more than"],
  [/\b(?:nearly|almost|fewer than|less than|under|below|just short of|close to)\s+$/i, "less than"],
  [/\b(?:around|about|approximately|approx\.|some|roughly|an estimated|estimated|circa|an average of|on average)\s+$/i, "about"],
];

const TIME_UNITS = new Set(["second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "century"]);
// Nouns for people, counted as "person" (brief: casualties nouns civilians/people/children -> person).
const PERSON_NOUNS = new Set([
  "person", "people", "civilian", "child", "adult", "man", "woman", "resident", "refugee", "migrant", "victim", "citizen",
  "inhabitant", "individual", "passenger", "casualty", "survivor", "evacuee", "pedestrian", "baby", "infant", "teenager",
]);
const IRREGULAR_SINGULAR: Record<string, string> = {
  people: "person", children: "child", men: "man", women: "woman", feet: "foot", teeth: "tooth", mice: "mouse",
  lives: "life", wives: "wife", knives: "knife", thieves: "thief", police: "police", staff: "staff", personnel: "personnel",
  troops: "troop", data: "data", media: "media", cattle: "cattle", sheep: "sheep", fish: "fish", aircraft: "aircraft",
};
const CURRENCY_WORDS: Record<string, string> = {
  dollar: "dollar", pound: "pound", euro: "euro", yen: "yen", yuan: "yuan", rupee: "rupee", rouble: "rouble", ruble: "rouble",
  franc: "franc", peso: "peso", won: "won", lira: "lira", hryvnia: "hryvnia", sterling: "pound",
};
// Words that end a noun phrase after a number: function words, auxiliaries, adverbs.
const PHRASE_STOP = new Set(
  (
    "of in on at to for from by with and or but than as that which who whom whose this these those the a an is are was were be " +
    "been being have has had will would could should may might can do does did not no so also only just about more less per each " +
    "ago before after since until while if when where there here it its their his her our your we they he she you i " +
    "into onto over under across between among against during through without within up down out off away back"
  ).split(" "),
);
const NOT_PLURAL = /(?:ss|us|is|ous|ics)$/;
const CASUALTY_WORDS: [RegExp, string][] = [
  [/\b(?:killed|killing|dead|died|die|dying|deaths?|death toll|lost their lives|fatalities|murdered|slain)\b/i, "killed"],
  [/\b(?:injured|injuring|wounded|wounding|hurt|injuries)\b/i, "injured"],
  [/\b(?:fled|fleeing|flee|refugees|escaped)\b/i, "fled"],
  [/\b(?:displaced|homeless|uprooted)\b/i, "displaced"],
  [/\b(?:evacuated|evacuation)\b/i, "evacuated"],
  [/\b(?:arrested|detained|held|jailed|imprisoned)\b/i, "arrested"],
  [/\b(?:missing)\b/i, "missing"],
  [/\b(?:rescued)\b/i, "rescued"],
];
const ELLIPTIC_PARTICIPLE = /^\s+(killed|dead|injured|wounded|hurt|missing|displaced|arrested|detained|evacuated|rescued)\b/i;
const MONEY_MEASURES: [RegExp, string][] = [
  [/\b(?:cost|costs|costing|price|prices|priced|spent|spend|spending|bill)\b/i, "cost"],
  [/\b(?:fine|fined|fines|penalty)\b/i, "fine"],
  [/\b(?:revenue|revenues|sales|turnover)\b/i, "revenue"],
  [/\b(?:profit|profits|earnings|income)\b/i, "profit"],
  [/\b(?:loss|losses|lost|deficit)\b/i, "loss"],
  [/\b(?:debt|debts|owed|owes|borrowing)\b/i, "debt"],
  [/\b(?:aid|donated|donation|pledged|grant|funding|funds)\b/i, "aid"],
  [/\b(?:worth|valued|value|valuation)\b/i, "value"],
  [/\b(?:paid|pay|salary|wages?|earn|earns|earned)\b/i, "pay"],
  [/\b(?:invest|invested|investment)\b/i, "investment"],
  [/\b(?:budget)\b/i, "budget"],
  [/\b(?:raised|raise|raising)\b/i, "raised"],
];
const PERCENT_MEASURES: [RegExp, string][] = [
  [/\b(?:rose|rise|rises|risen|increased?|increases|grew|grow|growth|up|jumped|climbed|gained|higher)\b/i, "increase"],
  [/\b(?:fell|fall|falls|fallen|dropped|drop|declined?|decreased?|down|lower|slipped|shrank|cut)\b/i, "decrease"],
  [/\b(?:share|stake|of the vote|turnout)\b/i, "share"],
  [/\b(?:rate|rates)\b/i, "rate"],
];

interface Unit {
  unit: string;
  /** The counted noun as written ("cities"), or a participle for elliptic counts ("injured"). */
  noun: string | null;
  end: number;
}

/** Finds reported quantities: value, unit, what they count and how they are qualified. */
export function extractFigures(body: string, _sentences: Span[]): FigureRecord[] {
  const figures: FigureRecord[] = [];
  const numbers = findNumbers(body);
  let previous: { figure: FigureRecord; sentenceStart: number } | null = null;
  for (let k = 0; k < numbers.length; k++) {
    const token = numbers[k];
    if (isNotAFigure(body, token)) continue;
    const sentenceStart = sentenceStartOf(body, token.start);
    const sameSentence = previous && previous.sentenceStart === sentenceStart ? previous.figure : null;
    const range = rangePartner(body, token, numbers[k + 1]);
    const unitAfter = findUnit(body, range ?? token);
    const elliptic = !unitAfter && sameSentence && /^(?:,?\s*(?:and|or|to|with|while))?\s*$/i.test(body.slice(sameSentence.end, token.start).slice(-12))
      ? { unit: sameSentence.unit, noun: null, end: (range ?? token).end }
      : null;
    const unit = unitAfter ?? elliptic;
    // "two years ago" dates something rather than counting it.
    if (!unit || /^\s+ago\b/i.test(body.slice(unit.end, unit.end + 6))) continue;
    if (token.value === 1 && !token.digits && !token.scaled && unit.noun && /s$/.test(unit.noun)) continue;
    const before = body.slice(Math.max(sentenceStart, token.start - 40), token.start);
    const written = qualifierOf(before);
    let qualifier = written?.qualifier ?? null;
    if (!qualifier && /\bbetween\s+$/i.test(before) && range) qualifier = "at least";
    // "At least 1,119 civilians have been killed and 1,790 injured": the qualifier carries over.
    if (!qualifier && sameSentence && (elliptic || unit.noun === ELLIPTIC_PARTICIPLE.exec(body.slice(token.end, unit.end))?.[1]))
      qualifier = sameSentence.qualifier;
    const start = token.start - (written?.back ?? 0);
    const measure = measureOf(body, token, unit, sentenceStart);
    const figure: FigureRecord = { value: token.value, unit: unit.unit, measure, qualifier, start, end: unit.end, text: body.slice(start, unit.end) };
    figures.push(figure);
    previous = { figure, sentenceStart };
    if (range) {
      const upper: FigureRecord = { ...figure, value: range.value, qualifier: "up to", start: range.start, end: unit.end, text: body.slice(range.start, unit.end) };
      if (!figure.qualifier) figure.qualifier = "at least";
      figures.push(upper);
      previous = { figure: upper, sentenceStart };
      k++;
    }
  }
  return figures;
}

/** The second number of "5-10 people", "5 to 10 people", "between 5 and 10 people", when it has the same kind. */
function rangePartner(body: string, token: NumberToken, next: NumberToken | undefined): NumberToken | null {
  if (!next || next.value <= token.value) return null;
  const gap = body.slice(token.end, next.start);
  const between = /\bbetween\s+$/i.test(body.slice(Math.max(0, token.start - 10), token.start));
  if (!(/^\s?[-\u2013]\s?$/.test(gap) || /^\s+to\s+$/i.test(gap) || (between && /^\s+and\s+$/i.test(gap)))) return null;
  if (/\bfrom\s+$/i.test(body.slice(Math.max(0, token.start - 6), token.start))) return null;
  return token.unit === next.unit || !token.unit ? next : null;
}

/** The qualifier words right before a number, and how many characters before it they start. */
function qualifierOf(before: string): { qualifier: Qualifier; back: number } | null {
  for (const [re, qualifier] of QUALIFIERS) {
    const m = re.exec(before);
    if (m) return { qualifier, back: before.length - m.index };
  }
  return null;
}

// End punctuation, closing quote and white space before a capital or digit: a sentence starts after it.
const SENTENCE_BREAK = /[.!?]["\u201d\u2019']?\s+(?=["\u201c\u2018']?[\p{Lu}\d])/gu;

function sentenceStartOf(body: string, at: number): number {
  // Only the 400 characters before `at` matter: a bounded scan rather than lastIndexOf, which would
  // cross a whole paragraph for every number in it.
  let paragraphStart = at;
  while (paragraphStart > 0 && paragraphStart > at - 400 && body.charCodeAt(paragraphStart - 1) !== 10) paragraphStart--;
  const region = body.slice(Math.max(paragraphStart, at - 400), at);
  let last = -1;
  SENTENCE_BREAK.lastIndex = 0;
  for (let m = SENTENCE_BREAK.exec(region); m; m = SENTENCE_BREAK.exec(region)) last = m.index + m[0].length;
  return last < 0 ? Math.max(paragraphStart, at - 400) : at - region.length + last;
}

/** Dates, clock times, years, ordinals, ages, phone numbers and numbers in names are not figures. */
function isNotAFigure(body: string, token: NumberToken): boolean {
  const before = body.slice(Math.max(0, token.start - 20), token.start);
  const after = body.slice(token.end, token.end + 20);
  // Part of a name or code: G7, COVID-19, F-16, A4, 4G, 1990s, 3rd, 10am.
  if (/[\p{L}\d][-\u2013]?$/u.test(before) && !/\s[-\u2013]$/.test(before) && !/^[$£€¥₹]/.test(body[token.start])) return true;
  if (/^[\p{L}\d]/u.test(after) || /^[-\u2013]\p{L}/u.test(after)) return true;
  if (/[:/#]$/.test(before) || /^[:/]\d/.test(after) || /^\.\d/.test(after)) return true;
  if (token.digits && /^0\d/.test(body.slice(token.start, token.end))) return true;
  if (token.digits && /\d\s$/.test(before)) return true;
  if (/^\s\d{2,}/.test(after)) return true;
  if (MONTH_BEFORE.test(before) || MONTH_AFTER.test(after)) return true;
  if (CLOCK_AFTER.test(after)) return true;
  const text = body.slice(token.start, token.end);
  if (token.digits && !token.scaled && !token.unit && /^\d{4}$/.test(text) && token.value >= 1000 && token.value <= 2100) {
    // A year, unless people are counted: "2000 people" (counts this large usually take a comma).
    const next = /^\s+(\p{L}+)/u.exec(after)?.[1].toLowerCase() ?? "";
    return !PERSON_NOUNS.has(singularOf(next, next, token.value) ?? "");
  }
  if (/\b(?:aged|age of|ages of)\s+$/i.test(before)) return true;
  // A capitalised number word inside a sentence names something: "the Six Nations", "the Big Four".
  if (!token.digits && /^\p{Lu}/u.test(text) && /[\p{L},]\s+$/u.test(before)) return true;
  // "Kenteris, 31, who": an age in apposition.
  if (/\p{L},\s$/u.test(before) && /^,/.test(after) && token.value < 120) return true;
  // "No 10", "number 10", "Article 5", "page 3": a label.
  if (/\b(?:no\.?|number|article|section|chapter|page|room|flight|route|platform|level|grade|category|version|channel|radio|bbc|formula|windows|series|part|stage|game|match|round|act|scene|track|episode)\s+$/i.test(before))
    return true;
  return false;
}

// A word, or any other mark that is not white space.
const UNIT_WORD = /\p{L}+(?:['\u2019-]\p{L}+)*|[^\s\p{L}]/gu;

/** The counted noun after a number (skipping up to two modifiers), or the unit its sign gives. */
function findUnit(body: string, token: NumberToken): Unit | null {
  if (token.unit) return { unit: token.unit, noun: null, end: token.end };
  const after = body.slice(token.end, token.end + 80);
  if (!/^\s/.test(after)) return null;
  // The first three words (or other marks) after the number, read one by one: later ones never matter.
  UNIT_WORD.lastIndex = 0;
  for (let i = 0; i < 3; i++) {
    const word = UNIT_WORD.exec(after);
    if (!word) break;
    const raw = word[0];
    const lower = raw.toLowerCase();
    if (!/^\p{L}/u.test(raw) || PHRASE_STOP.has(lower)) break;
    if (lower in CURRENCY_WORDS || lower.replace(/s$/, "") in CURRENCY_WORDS)
      return { unit: CURRENCY_WORDS[lower] ?? CURRENCY_WORDS[lower.replace(/s$/, "")], noun: raw, end: token.end + word.index + raw.length };
    const singular = singularOf(lower, raw, token.value);
    if (singular) {
      const unit = PERSON_NOUNS.has(singular) || isDemonymPlural(raw) ? "person" : singular;
      return { unit, noun: raw, end: token.end + word.index + raw.length };
    }
  }
  const ellipticVerb = ELLIPTIC_PARTICIPLE.exec(after);
  if (ellipticVerb) return { unit: "person", noun: ellipticVerb[1], end: token.end + ellipticVerb[0].length };
  return null;
}

/** "Ukrainians", "Britons", "Chinese": people of a nationality. */
const isDemonymPlural = (raw: string): boolean => /^\p{Lu}\p{Ll}+(?:ans|ese|is|ons|ers)$/u.test(raw);

/** The singular of a counted noun, or null if the word is not one (for 1, the singular itself). */
function singularOf(lower: string, raw: string, value: number): string | null {
  if (lower in IRREGULAR_SINGULAR) return IRREGULAR_SINGULAR[lower];
  if (value === 1) return TIME_UNITS.has(lower) || PERSON_NOUNS.has(lower) ? lower : null;
  if (!/s$/.test(lower) || NOT_PLURAL.test(lower) || lower.length < 3 || /['\u2019]s$/.test(lower)) return null;
  if (/^\p{Lu}/u.test(raw) && !isDemonymPlural(raw)) return null;
  if (lower === "centuries") return "century";
  if (/ies$/.test(lower)) return lower.slice(0, -3) + "y";
  if (/(?:ches|shes|xes|sses|zes)$/.test(lower)) return lower.slice(0, -2);
  return lower.slice(0, -1);
}

function measureOf(body: string, token: NumberToken, unit: Unit, sentenceStart: number): string {
  if (TIME_UNITS.has(unit.unit)) return "duration";
  // Only the next 80 characters are read: search no further (the rest of the body may be long).
  const window = body.slice(unit.end, unit.end + 81);
  const sentenceEnd = window.search(/[.!?](?:\s|$)|\n/);
  const after = window.slice(0, sentenceEnd < 0 ? 80 : Math.min(80, sentenceEnd));
  const before = body.slice(Math.max(sentenceStart, token.start - 50), token.start);
  const pick = (table: [RegExp, string][], fallback: string): string => {
    let best: { at: number; measure: string } | null = null;
    for (const [re, measure] of table) {
      const inAfter = re.exec(after);
      if (inAfter && (!best || inAfter.index < best.at)) best = { at: inAfter.index, measure };
      const inBefore = re.exec(before);
      const distance = inBefore ? before.length - inBefore.index : Infinity;
      if (inBefore && (!best || distance < best.at)) best = { at: distance, measure };
    }
    return best?.measure ?? fallback;
  };
  if (unit.unit === "percent") return pick(PERCENT_MEASURES, "percentage");
  if (unit.unit in CURRENCY_WORDS || Object.values(CURRENCY_WORDS).includes(unit.unit)) return pick(MONEY_MEASURES, "amount");
  const noun = unit.noun?.toLowerCase() ?? unit.unit;
  if (unit.unit === "person" || /troop|soldier|fighter|worker|student|officer|member/.test(unit.unit)) {
    const elliptic = ELLIPTIC_PARTICIPLE.exec(" " + noun);
    if (elliptic) return CASUALTY_WORDS.find(([re]) => re.test(noun))?.[1] ?? noun;
    return pick(CASUALTY_WORDS, noun);
  }
  return noun;
}
