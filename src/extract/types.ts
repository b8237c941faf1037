// The records extraction produces. Pure data: no database or GraphQL types here.
// Character offsets (`start`, `end`) always index into `ExtractedArticle.body`,
// end-exclusive, so every record can be traced back to its sentence.

export const PLOVER_TYPES = [
  "CONSULT",
  "AGREE",
  "SUPPORT",
  "COOPERATE",
  "AID",
  "CONCEDE",
  "RETREAT",
  "REQUEST",
  "ACCUSE",
  "REJECT",
  "THREATEN",
  "PROTEST",
  "SANCTION",
  "MOBILIZE",
  "COERCE",
  "ASSAULT",
  "DISASTER",
] as const;
export type PloverType = (typeof PLOVER_TYPES)[number];

export const EVENT_STATUSES = ["occurred", "planned", "ongoing"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const PLACE_KINDS = ["city", "region", "country", "other"] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const QUALIFIERS = ["at least", "more than", "less than", "about", "up to"] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export interface Span {
  /** Offset of the first character in the body. */
  start: number;
  /** Offset one past the last character in the body. */
  end: number;
}

export interface PersonRecord {
  name: string;
  aliases: string[];
  role: string | null;
}

export interface PlaceRecord {
  name: string;
  aliases: string[];
  kind: PlaceKind;
  /** ISO 3166-1 alpha-2, or null when unknown. */
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface OrganizationRecord {
  name: string;
  aliases: string[];
}

export interface EntityRecords {
  people: PersonRecord[];
  places: PlaceRecord[];
  organizations: OrganizationRecord[];
}

export interface QuoteRecord extends Span {
  /** Canonical name of the person or organization quoted, or null when the article does not say. */
  speaker: string | null;
  /** Verbatim quotation without the surrounding marks: body.slice(start, end). */
  text: string;
}

export interface FigureRecord extends Span {
  value: number;
  /** Singular lowercase noun: person, city, dollar, percent, week... */
  unit: string;
  /** What is counted: killed, injured, fled, duration... */
  measure: string;
  qualifier: Qualifier | null;
  /** Verbatim evidence: body.slice(start, end). */
  text: string;
}

export interface EventRecord extends Span {
  type: PloverType;
  /** PLOVER mode where clear (CONSULT: visit, third-party, phone, multilateral), else null. */
  mode: string | null;
  /** ISO date (YYYY-MM-DD) the event happened or is set for, or null. */
  date: string | null;
  /** Canonical place name, or null. */
  place: string | null;
  /** Canonical names of people, organizations or countries taking part. */
  participants: string[];
  status: EventStatus;
  /** Generated one-line headline for the event. */
  title: string;
  /** Verbatim evidence: body.slice(start, end). */
  text: string;
  /** The whole sentence the evidence comes from. */
  sentence: string;
  /** Matching details (optional: only detection fills them). Finer kind within the type (lexicon sense: meeting, phone, ceasefire...). */
  sense?: string;
  /** Round of talks: ordinal ("3") or a series of rounds ("x3"), else null. */
  round?: string | null;
  /** Kind and ISO country of `place`, when the entity records tell. */
  placeKind?: PlaceKind | null;
  placeCountry?: string | null;
  /** Every place named around the event. */
  locations?: string[];
  /** The participants who are people. */
  people?: string[];
  /** What the text says of the date when it cannot be resolved (no reference date), else null. */
  dateHint?: DateHint | null;
}

/** A partial date: a weekday, or a day of a month, without the year or week it falls in. */
export interface DateHint {
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number | null;
  /** 1-12. */
  month: number | null;
  day: number | null;
}

export interface ExtractedArticle {
  title: string | null;
  /** ISO date (YYYY-MM-DD) or null when the text does not tell. */
  publishedAt: string | null;
  /** The main story, boilerplate removed. */
  body: string;
  /** ISO 639-1 code of the body's language (best guess). */
  language: string;
  entities: EntityRecords;
  quotes: QuoteRecord[];
  figures: FigureRecord[];
  events: EventRecord[];
}

export interface ArticleInput {
  /** Plain text; exactly one of text and html. */
  text?: string | null;
  /** Raw HTML page; exactly one of text and html. */
  html?: string | null;
  /** Known metadata overrides what extraction finds. */
  title?: string | null;
  publishedAt?: string | null;
  url?: string | null;
}
