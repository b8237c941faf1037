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
  requiresAfter?: string;
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
  /** Case-sensitive: what must follow a verb term for it to count ("met with", "met Putin"). Nouns are exempt. */
  requiresAfter: RegExp | null;
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
    // Grouped by first letter only when every term starts with a plain letter: alternatives that
    // can match at one position then keep their order (longest first).
    pattern: new RegExp(`(?<![\\w-])(?:${terms.every(startsWithLetter) ? groupByFirstLetter(terms) : terms.join("|")})(?![\\w-])`, "gi"),
    needs: entry.needs ? new RegExp(entry.needs, "i") : null,
    notBefore: entry.notBefore ? new RegExp(entry.notBefore, "i") : null,
    notAfter: entry.notAfter ? new RegExp(entry.notAfter, "i") : null,
    requiresAfter: entry.requiresAfter ? new RegExp(entry.requiresAfter) : null,
  };
}

export const TRIGGER_ENTRIES: TriggerEntry[] = (data.triggers as LexiconEntryData[]).map(compile);

// One pass over a sentence with every term at once: most sentences have no trigger, and this
// spares them the per-entry patterns with their context checks.
// Terms are grouped by their first letter ("m(?:eet|et|...)|t(?:alks|...)"): the same language,
// but the regex engine tries a few groups at each position instead of hundreds of terms.
export const ANY_TRIGGER = new RegExp(`\\b(?:${groupByFirstLetter((data.triggers as LexiconEntryData[]).flatMap((e) => e.terms))})\\b`, "i");

/** Whether a term opens with a plain letter (not a group, class or quantified letter). */
function startsWithLetter(term: string): boolean {
  return /^[a-z](?![?*+{])/i.test(term);
}

/** An alternation of the terms, factored by first letter where that letter is a plain literal. */
function groupByFirstLetter(terms: string[]): string {
  const groups = new Map<string, string[]>();
  const rest: string[] = [];
  for (const term of terms) {
    if (startsWithLetter(term)) {
      const letter = term[0].toLowerCase();
      const group = groups.get(letter);
      if (group) group.push(term.slice(1));
      else groups.set(letter, [term.slice(1)]);
    } else rest.push(term);
  }
  return [...[...groups].map(([letter, tails]) => `${letter}(?:${tails.join("|")})`), ...rest].join("|");
}
