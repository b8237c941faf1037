import type { EntityMention } from "./entities.js";
import type { EventRecord, Span } from "./types.js";

export interface EventContext {
  body: string;
  sentences: Span[];
  mentions: EntityMention[];
  /** The article's publication date (ISO), reference for relative dates. */
  publishedAt: string | null;
}

/** Detects PLOVER events (stub: none). */
export function detectEvents(_context: EventContext): EventRecord[] {
  return [];
}
