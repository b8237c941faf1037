// Reads numbers written in news text: digits with thousands separators and decimals, scale words
// and abbreviations (3.82 million, $2.5bn), currency signs, percentages, and number words
// (twenty-five, a dozen, half a million). Pure and linear: sticky regexes at each position.

export interface NumberToken {
  start: number;
  end: number;
  value: number;
  /** "dollar", "pound", "euro"... from a sign before the number, or "percent"; else null. */
  unit: string | null;
  /** Written in digits (1,119), rather than in words (two). */
  digits: boolean;
  /** Has a scale word or abbreviation (million, bn, m). */
  scaled: boolean;
}

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = {
  hundred: 1e2, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12,
  k: 1e3, m: 1e6, mn: 1e6, mln: 1e6, bn: 1e9, b: 1e9, tn: 1e12, tr: 1e12,
};
const CURRENCY_SIGN: Record<string, string> = { $: "dollar", "£": "pound", "€": "euro", "¥": "yen", "₹": "rupee" };

const CURRENCY_RE = /(?:US|A|C|HK|NZ|S)?([$£€¥₹])\s?/y;
const DIGITS_RE = /(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]*\d)/y;
// "m", "k", "b" only count as scales after a currency sign ("$24m"), never "200m" (metres).
const SCALE_WORD_RE = /\s?(trillion|billion|million|thousand|hundred)\b|(bn|mn|mln|tn)\b/iy;
const SCALE_ABBREVIATION_RE = /(m|k|b)\b/y;
const PERCENT_RE = /\s?(%|per\s?cent\b|percent\b|percentage points?\b)/iy;
const WORD_RE = /([a-z]+)(?:-([a-z]+))?/iy;
const SPACE_RE = /[\s-]+/y;

function stickyMatch(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** The number written in digits at `at` (with an optional currency sign), or null. */
function readDigits(text: string, at: number): NumberToken | null {
  let i = at;
  let unit: string | null = null;
  const currency = stickyMatch(CURRENCY_RE, text, i);
  if (currency) {
    unit = CURRENCY_SIGN[currency[1]];
    i += currency[0].length;
  }
  const digits = stickyMatch(DIGITS_RE, text, i);
  if (!digits) return null;
  let value = Number(digits[1].replace(/,/g, ""));
  i += digits[0].length;
  let scaled = false;
  const scale = stickyMatch(SCALE_WORD_RE, text, i) ?? (unit ? stickyMatch(SCALE_ABBREVIATION_RE, text, i) : null);
  if (scale) {
    value *= SCALES[(scale[1] ?? scale[2]).toLowerCase()];
    i += scale[0].length;
    scaled = true;
  }
  const percent = stickyMatch(PERCENT_RE, text, i);
  if (percent && !unit) {
    unit = "percent";
    i += percent[0].length;
  }
  return { start: at, end: i, value: round(value), unit, digits: true, scaled };
}

const UNITS_AND_TENS =
  "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|" +
  "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";
// What may follow "a" ("a dozen"), "half a" ("half a million") and "hundred and" ("hundred and five").
const AFTER_A_RE = /\s+(?=(?:dozen|hundred|thousand|million|billion)\b)/iy;
const AFTER_HALF_RE = /\s+an?\s+(?=(?:dozen|thousand|million|billion)\b)/iy;
const AFTER_AND_RE = new RegExp(String.raw`\s+(?=(?:${UNITS_AND_TENS})\b)`, "iy");
const LARGE_SCALES = new Set(["hundred", "thousand", "million", "billion", "trillion"]);

/** Numbers in words at `at`: "twenty-five", "two hundred and five", "a dozen", "half a million". */
function readWords(text: string, at: number): NumberToken | null {
  let i = at;
  let total = 0;
  let current = 0;
  let seen = false;
  let scaled = false;
  let half = false;
  let end = at;
  for (;;) {
    const word = stickyMatch(WORD_RE, text, i);
    if (!word) break;
    const lower = word[1].toLowerCase();
    const hyphenated = word[2]?.toLowerCase();
    const after = i + word[0].length;
    if (!seen && !hyphenated && (lower === "a" || lower === "half")) {
      const next = stickyMatch(lower === "a" ? AFTER_A_RE : AFTER_HALF_RE, text, after);
      if (!next) return null;
      half ||= lower === "half";
      i = after + next[0].length;
      continue;
    }
    if (lower === "and" && seen && current % 100 === 0 && total + current >= 100) {
      const next = stickyMatch(AFTER_AND_RE, text, after);
      if (!next) break;
      i = after + next[0].length;
      continue;
    }
    const base = half ? 0.5 : current || 1;
    if (lower in SMALL && !hyphenated && !(current % 100)) current += SMALL[lower];
    else if (lower in TENS && (!hyphenated || hyphenated in SMALL) && !(current % 100))
      current += TENS[lower] + (hyphenated ? SMALL[hyphenated] : 0);
    else if (lower === "dozen" && !hyphenated) current = base * 12;
    else if (LARGE_SCALES.has(lower) && !hyphenated) {
      if (lower === "hundred") current = base * 100;
      else {
        total += base * SCALES[lower];
        current = 0;
      }
      scaled = true;
    } else break;
    half = false;
    seen = true;
    i = end = after;
    const gap = stickyMatch(SPACE_RE, text, i);
    if (!gap || gap[0].includes("\n")) break;
    i += gap[0].length;
  }
  if (!seen) return null;
  return { start: at, end, value: round(total + current), unit: null, digits: false, scaled };
}

// 16.6 * 1e9 is 16600000000.000002 in floating point: keep twelve significant digits. Integers
// below 1e12 already have no more, and are most numbers: they skip the string round trip.
const round = (value: number): number => (Number.isInteger(value) && Math.abs(value) < 1e12 ? value : Number(value.toPrecision(12)));

const NUMBER_START =
  /(?:(?:US|A|C|HK|NZ|S)?[$£€¥₹]\s?)?\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a dozen|a hundred|a thousand|a million|a billion|half an? (?:million|billion|thousand|dozen)|dozen|hundred|thousand|million|billion)\b/gi;

/** All numbers of a text, in order, none overlapping. */
export function findNumbers(text: string): NumberToken[] {
  const found: NumberToken[] = [];
  NUMBER_START.lastIndex = 0;
  for (let m = NUMBER_START.exec(text); m; m = NUMBER_START.exec(text)) {
    const at = m.index;
    // Inside a word or a longer digit string ("G7", "COVID-19" are read, and rejected, by the caller).
    const token = /[\d$£€¥₹]/.test(m[0][0]) || /^(?:US|A|C|HK|NZ|S)[$£€¥₹]/.test(m[0]) ? readDigits(text, at) : readWords(text, at);
    if (!token) continue;
    found.push(token);
    NUMBER_START.lastIndex = Math.max(token.end, at + 1);
  }
  return found;
}
