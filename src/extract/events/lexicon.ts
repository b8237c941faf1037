// Compiles the trigger lexicon (lexicon.json): the words and phrases that announce an event,
// each with its PLOVER type. The data lives in JSON so it can grow without touching code.
import type { PloverType } from "../types.js";
import data from "./lexicon.json" with { type: "json" };

interface LexiconEntryData {
  type: string;
  sense: string;
  title: string;
  terms: string[];
  mode?: string;
  noun?: boolean;
  nouns?: string[];
  governs?: boolean;
  keepsComplement?: boolean;
  needs?: string;
  notBefore?: string;
  notAfter?: string;
}

export interface TriggerEntry {
  type: PloverType;
  /** Finer kind within the type: events of different senses are different happenings. */
  sense: string;
  /** Verb phrase for generated titles ("meet", "impose sanctions"). */
  title: string;
  mode: string | null;
  /** Whether a matched text is a noun (a determiner before a noun can make it a back-reference). */
  isNoun: (matched: string) => boolean;
  governs: boolean;
  keepsComplement: boolean;
  pattern: RegExp;
  needs: RegExp | null;
  notBefore: RegExp | null;
  notAfter: RegExp | null;
}

function nounTest(nouns: string[]): (matched: string) => boolean {
  if (nouns.length === 0) return () => false;
  const pattern = new RegExp(`^(?:${nouns.join("|")})$`, "i");
  return (matched) => pattern.test(matched.replace(/\s+/g, " "));
}

function compile(entry: LexiconEntryData): TriggerEntry {
  // Longest alternatives first, so "peace talks" wins over "talks".
  const terms = [...entry.terms].sort((a, b) => b.length - a.length);
  return {
    type: entry.type as PloverType,
    sense: entry.sense,
    title: entry.title,
    mode: entry.mode ?? null,
    isNoun: entry.noun ? () => true : nounTest(entry.nouns ?? []),
    governs: entry.governs ?? false,
    keepsComplement: entry.keepsComplement ?? false,
    pattern: new RegExp(`(?<![\\w-])(?:${terms.join("|")})(?![\\w-])`, "gi"),
    needs: entry.needs ? new RegExp(entry.needs, "i") : null,
    notBefore: entry.notBefore ? new RegExp(entry.notBefore, "i") : null,
    notAfter: entry.notAfter ? new RegExp(entry.notAfter, "i") : null,
  };
}

export const TRIGGER_ENTRIES: TriggerEntry[] = (data.triggers as LexiconEntryData[]).map(compile);

// Cheap prefilter: a sentence with none of these stems has no trigger, so the costly passes skip it.
export const TRIGGER_STEMS = new RegExp(
  `(?:${[...new Set((data.triggers as LexiconEntryData[]).flatMap((e) => e.terms.map((t) => t.match(/^[a-z]{3,}/i)?.[0].slice(0, 4).toLowerCase() ?? "")))]
    .filter(Boolean)
    .join("|")})`,
  "i",
);
