import { describe, expect, it } from "vitest";
import { extractEntities } from "../../src/extract/entities.js";
import { countryOfDemonym, lookupPlace } from "../../src/extract/gazetteer.js";
import { variantKey } from "../../src/extract/names.js";
import { splitSentences } from "../../src/extract/sentences.js";

const extract = (body: string) => extractEntities(body, splitSentences(body));
const names = (list: { name: string }[]) => list.map((e) => e.name);

describe("gazetteer", () => {
  it("resolves old transliterations and exonyms to current English names", () => {
    expect(lookupPlace("Bombay")?.name).toBe("Mumbai");
    expect(lookupPlace("Lvov")?.name).toBe("Lviv");
    expect(lookupPlace("Dnepropetrovsk")?.name).toBe("Dnipro");
    expect(lookupPlace("Türkiye")).toMatchObject({ name: "Turkey", kind: "country", country: "TR" });
    expect(lookupPlace("U.S.")?.name).toBe("United States");
  });

  it("gives cities a country and coordinates", () => {
    const lagos = lookupPlace("Lagos");
    expect(lagos).toMatchObject({ kind: "city", country: "NG" });
    expect(lagos?.latitude).toBeCloseTo(6.45, 0);
  });

  it("maps demonyms and their plurals to countries", () => {
    expect(countryOfDemonym("Brazilian")?.name).toBe("Brazil");
    expect(countryOfDemonym("Kenyans")?.name).toBe("Kenya");
  });
});

describe("variantKey", () => {
  it("folds transliteration variants together", () => {
    expect(variantKey("Dmitriy Ivanovskiy")).toBe(variantKey("Dmitry Ivanovsky"));
    expect(variantKey("Andrei")).toBe(variantKey("Andrey"));
    expect(variantKey("Gökhan")).toBe(variantKey("Gokhan"));
  });
});

describe("extractEntities", () => {
  it("types people by titles and resolves later surname mentions to the full name", () => {
    const body =
      "Brazil's Foreign Minister Joaquim Ferreira met Kenyan President Wanjiru Otieno in Nairobi. " +
      "Ferreira said the talks went well. Otieno told reporters she was hopeful.";
    const { records, mentions } = extract(body);
    expect(records.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Joaquim Ferreira", role: "Foreign Minister of Brazil" }),
        expect.objectContaining({ name: "Wanjiru Otieno", role: "President of Kenya" }),
      ]),
    );
    const surname = mentions.find((m) => body.slice(m.start, m.end) === "Ferreira" && m.via === "surname");
    expect(surname?.name).toBe("Joaquim Ferreira");
    expect(names(records.places)).toEqual(expect.arrayContaining(["Brazil", "Nairobi"]));
  });

  it("reads a coordination after a title as one person per name", () => {
    const body = "The book describes a feud between Mr Okonkwo and Tomasz Wierzbicki. Foreign Minister Aiko Tanabe and Lena Moreau will attend.";
    const { records } = extract(body);
    expect(names(records.people).sort()).toEqual(["Aiko Tanabe", "Lena Moreau", "Okonkwo", "Tomasz Wierzbicki"]);
    expect(records.people.find((p) => p.name === "Aiko Tanabe")?.role).toBe("Foreign Minister");
    expect(records.people.find((p) => p.name === "Lena Moreau")?.role ?? null).toBeNull();
  });

  it("merges transliterated spellings of one person", () => {
    const body = "Serbian Prime Minister Dmitriy Petrovic spoke on Monday. Later Dmitry Petrovic said talks would resume.";
    const { records } = extract(body);
    expect(records.people).toHaveLength(1);
    expect(records.people[0].name).toBe("Dmitry Petrovic");
    expect(records.people[0].aliases).toContain("Dmitriy Petrovic");
    expect(records.people[0].role).toBe("Prime Minister of Serbia");
  });

  it("merges place spellings under the current name and keeps the others as aliases", () => {
    const { records } = extract("Flights left Bombay for Madras. Officials in Mumbai confirmed it.");
    const mumbai = records.places.find((p) => p.name === "Mumbai");
    expect(mumbai).toMatchObject({ kind: "city", country: "IN" });
    expect(mumbai?.aliases).toContain("Bombay");
    expect(records.places.filter((p) => p.name === "Mumbai")).toHaveLength(1);
    expect(names(records.places)).toContain("Chennai");
  });

  it("finds organisations by suffix, by lexicon and by a defined acronym", () => {
    const body =
      "The Nigerian Electricity Regulatory Commission (NERC) fined two firms, Reuters reported. " +
      "NERC said the fines were final. The World Health Organization welcomed the move.";
    const { records, mentions } = extract(body);
    const orgs = names(records.organizations);
    expect(orgs).toEqual(
      expect.arrayContaining(["Nigerian Electricity Regulatory Commission", "Reuters", "World Health Organization"]),
    );
    const acronym = mentions.find((m) => m.via === "acronym");
    expect(acronym?.name).toBe("Nigerian Electricity Regulatory Commission");
  });

  it("exposes demonyms as country mentions without making country records of them", () => {
    const body = "Egyptian and Sudanese officials met in Cairo.";
    const { records, mentions } = extract(body);
    const demonyms = mentions.filter((m) => m.via === "demonym").map((m) => m.name);
    expect(demonyms).toEqual(["Egypt", "Sudan"]);
    expect(names(records.places)).toEqual(["Cairo"]);
  });

  it("makes no entities of sentence-initial words, months, weekdays or headline words", () => {
    const body =
      "However, the vote was delayed until March.\nBut on Tuesday the Senate met.\n" +
      "Why Markets Fear The Next Big Shock\nMeanwhile prices rose.";
    const { records } = extract(body);
    expect(records.people).toEqual([]);
    expect(records.places).toEqual([]);
  });

  it("gives every mention a record's canonical name and offsets into the body", () => {
    const body = "Chancellor Olaf Brandt visited Warsaw on Friday. Brandt met Polish officials there.";
    const { records, mentions } = extract(body);
    const canonical = new Set([...records.people, ...records.places, ...records.organizations].map((r) => r.name));
    for (const m of mentions.filter((m) => m.via !== "demonym")) {
      expect(canonical.has(m.name)).toBe(true);
      expect(body.slice(m.start, m.end).length).toBeGreaterThan(0);
    }
    expect(mentions.filter((m) => m.name === "Olaf Brandt")).toHaveLength(2);
  });

  it("prefers a person cue over a place of the same name", () => {
    const body = "Mr Lincoln said the budget was fair. He spoke in Lincoln later.";
    const { records } = extract(body);
    expect(names(records.people)).toEqual(["Lincoln"]);
  });
});
