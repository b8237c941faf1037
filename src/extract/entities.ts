import type { EntityRecords, Span } from "./types.js";

export type EntityKind = "person" | "place" | "organization";

/** One occurrence of an entity in the body. */
export interface EntityMention extends Span {
  kind: EntityKind;
  /** Canonical name of the entity mentioned (matches a record's `name`). */
  name: string;
}

export interface ExtractedEntities {
  records: EntityRecords;
  mentions: EntityMention[];
}

/** Finds people, places and organizations in the body (stub: none). */
export function extractEntities(_body: string, _sentences: Span[]): ExtractedEntities {
  return { records: { people: [], places: [], organizations: [] }, mentions: [] };
}
