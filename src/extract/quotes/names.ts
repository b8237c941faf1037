// Fallback name finding for when no entity mention covers a speaker: runs of capitalised
// words, stripped of leading titles, roles and nationality adjectives.
import type { Span } from "../types.js";

export interface NameRun extends Span {
  /** The name without titles or roles: "Jane Smith" out of "British Foreign Secretary Jane Smith". */
  name: string;
  /** Written with a possessive ’s: "Zelenskiy’s". */
  possessive: boolean;
  /** Preceded by a title that gives the person's sex: Mr, Mrs, Ms... */
  gender: "male" | "female" | null;
}

// Words that precede a name as a title or role, and capitalised function words that start sentences.
const LEADING_NON_NAME = new Set(
  (
    "mr mrs ms miss dr prof professor sir lady lord dame king queen prince princess pope saint st rev " +
    "president vice prime minister foreign defence defense interior finance home secretary state deputy chief executive " +
    "chancellor senator sen rep representative governor mayor judge justice general gen colonel col major captain " +
    "lieutenant lt sergeant admiral commander coach manager chairman chairwoman chair director spokesman spokeswoman " +
    "spokesperson ambassador envoy leader premier officer inspector detective commissioner boss head striker " +
    "midfielder defender goalkeeper player analyst economist former new acting then the a an and but or so meanwhile " +
    "however also yet still in on at for of after before when while with by from as if this that these those his her " +
    "their its our my your we he she it they i you there here today yesterday tomorrow speaking writing asked " +
    "under over through during since until despite without within among between against about into via like unlike following according amid"
  ).split(" "),
);
const MALE_TITLES = new Set(["mr", "sir", "lord", "king", "prince"]);
const FEMALE_TITLES = new Set(["mrs", "ms", "miss", "lady", "dame", "queen", "princess"]);
// Nationality and demonym adjectives ("Russian", "Ukrainian", "British", "Chinese", "French").
const DEMONYM = /^\p{Lu}\p{Ll}+(?:ian|ean|an|ish|ese|ic|ch|i)$/u;
// Its endings, tested first: the full pattern backtracks over every letter of other words.
const DEMONYM_END = /(?:an|sh|se|ic|ch|i)$/;

// A capitalised word, or an initial with its full stop ("J."); other full stops end the run.
const NAME_TOKEN = String.raw`\p{Lu}(?:\.|[\p{L}\-]*(?:['\u2019]\p{Lu}\p{L}*)?)`;
const CAPITALISED_RUN = new RegExp(
  String.raw`${NAME_TOKEN}(?:\s(?:(?:de|van|von|der|al|bin|da|du|la|le)\s)?${NAME_TOKEN}){0,6}(?:['\u2019]s?(?!\p{L}))?`,
  "gu",
);

/** Capitalised runs of a text region that look like names, with their titles stripped. */
export function nameRuns(body: string, from: number, to: number): NameRun[] {
  const region = body.slice(from, to);
  const runs: NameRun[] = [];
  for (const m of region.matchAll(CAPITALISED_RUN)) {
    const tokens = m[0].split(/\s+/);
    let offset = m.index;
    let gender: NameRun["gender"] = null;
    while (tokens.length) {
      const lower = tokens[0].toLowerCase().replace(/\.$/, "");
      const isLeading = LEADING_NON_NAME.has(lower) || (tokens.length > 1 && DEMONYM_END.test(tokens[0]) && DEMONYM.test(tokens[0]));
      if (!isLeading) break;
      if (MALE_TITLES.has(lower)) gender = "male";
      if (FEMALE_TITLES.has(lower)) gender = "female";
      offset += tokens[0].length + 1;
      tokens.shift();
    }
    if (!tokens.length) continue;
    let text = tokens.join(" ");
    const possessive = /['\u2019]s?$/.test(text);
    if (possessive) text = text.replace(/['\u2019]s?$/, "");
    if (tokens.length === 1 && DEMONYM.test(text) && !gender) continue;
    const start = from + offset;
    runs.push({ start, end: start + text.length, name: text, possessive, gender });
  }
  return runs;
}

/**
 * Whether a single capitalised word at the start of a sentence is a name rather than a
 * common noun ("Prosecutors said"): common nouns also appear in lower case in the body.
 */
export function looksLikeName(body: string, run: NameRun): boolean {
  if (run.name.includes(" ") || run.gender) return true;
  const lower = run.name.toLowerCase();
  if (lower === run.name) return false;
  return !new RegExp(`\\b${lower.replace(/[.\-]/g, "\\$&")}\\b`).test(body);
}
