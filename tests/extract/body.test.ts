import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanText } from "../../src/extract/body.js";
import { dateFromMetadataValue, dateOfDateline, inferDatelineYear } from "../../src/extract/metadata.js";

const story = [
  "Flood waters rose across the Danube valley on Tuesday, forcing hundreds of families in Vienna and Linz to leave their homes, officials said.",
  "The Austrian Red Cross said it had opened shelters in Vienna for 400 people, and the army sent trucks to Linz to help move the elderly.",
  "Chancellor Karl Nehammer visited Linz on Wednesday and promised emergency funds for farmers whose fields along the Danube were flooded.",
  "Insurers in Vienna estimated the damage in Upper Austria at several hundred million euros, with the worst losses around Linz and Enns.",
  "Volunteers from the fire brigades of Enns and Linz filled sandbags through the night, and the railway between Vienna and Salzburg stayed closed.",
  "Meteorologists at GeoSphere Austria expect the Danube to peak near Vienna on Thursday before the waters begin to recede.",
];

describe("cleanText: title and header", () => {
  it("takes the first line as the headline and the rest as body", () => {
    const out = cleanText(`Danube floods force hundreds from homes\n\n${story.join("\n\n")}`);
    expect(out.title).toBe("Danube floods force hundreds from homes");
    expect(out.body.startsWith("Flood waters rose")).toBe(true);
    expect(out.publishedAt).toBeNull();
  });

  it("skips a section label, a date line and a reading time above the headline", () => {
    const out = cleanText(`World\n\nMarch 9, 2022\n2 min read\n\nDanube floods force hundreds from homes\n\n${story.join("\n\n")}`);
    expect(out.title).toBe("Danube floods force hundreds from homes");
    expect(out.publishedAt).toBe("2022-03-09");
    expect(out.body.startsWith("Flood waters rose")).toBe(true);
  });

  it("reads a labelled date stamp glued to the first paragraph and leaves the title unknown", () => {
    const out = cleanText(` date 2021-07-15 ${story.join("\n\n")}`);
    expect(out.title).toBeNull();
    expect(out.publishedAt).toBe("2021-07-15");
    expect(out.body.startsWith("Flood waters rose")).toBe(true);
  });

  it("reads 'Published:' and 'Updated' lines with times and weekdays", () => {
    const a = cleanText(`Danube floods\n\nPublished: Wed 9 Mar 2022 12.00 GMT\n\n${story.join("\n\n")}`);
    expect(a.publishedAt).toBe("2022-03-09");
    const b = cleanText(`Danube floods\n\nUpdated 3:04 PM EST, Mon March 7, 2022\n\n${story.join("\n\n")}`);
    expect(b.publishedAt).toBe("2022-03-07");
    expect(b.body).not.toContain("Updated");
  });

  it("drops a byline under the headline", () => {
    const out = cleanText(`Danube floods\n\nBy Anna Gruber and Peter Huber\n\n${story.join("\n\n")}`);
    expect(out.body.startsWith("Flood waters rose")).toBe(true);
  });

  it("dates a wire dateline that carries the year", () => {
    const out = cleanText(`Danube floods\n\nVIENNA, Sept. 17, 2024 (Reuters) - ${story.join("\n\n")}`);
    expect(out.publishedAt).toBe("2024-09-17");
    expect(out.body.startsWith("VIENNA, Sept. 17, 2024 (Reuters) - Flood waters")).toBe(true);
  });

  it("leaves the date unknown when the text gives none", () => {
    expect(cleanText(`Danube floods\n\n${story.join("\n\n")}`).publishedAt).toBeNull();
    expect(cleanText("").publishedAt).toBeNull();
    expect(cleanText("").body).toBe("");
  });
});

describe("dateline year inference", () => {
  const today = new Date(Date.UTC(2026, 2, 1));
  it("picks the latest past year in which the lead's weekday is the dateline's day or the day before", () => {
    // 28 March 2022 was a Monday; the lead reports what happened on Sunday.
    expect(inferDatelineYear(3, 28, "the presidents agreed on Sunday.", today)).toBe(2022);
    expect(dateOfDateline("ISTANBUL, March 28 (Bernama) — The two presidents agreed on Sunday.", today)).toBe("2022-03-28");
    // 12 July 2025 was a Saturday (and 2026 is excluded: that day is still to come).
    expect(dateOfDateline("PARIS, 12 July (AFP) - Thousands marched on Saturday.", today)).toBe("2025-07-12");
  });
  it("gives up without a weekday to check", () => {
    expect(dateOfDateline("ISTANBUL, March 28 (Bernama) — The two presidents agreed to meet.", today)).toBeNull();
  });
  it("does not read an ordinary first sentence as a dateline", () => {
    expect(dateOfDateline("Officials said on Monday that the bridge would reopen.", today)).toBeNull();
  });
});

describe("dateFromMetadataValue", () => {
  it("keeps the calendar day of timestamps and parses written dates", () => {
    expect(dateFromMetadataValue("2023-11-06T13:00:15.055Z")).toBe("2023-11-06");
    expect(dateFromMetadataValue("20220308")).toBe("2022-03-08");
    expect(dateFromMetadataValue("Tue, 08 Mar 2022 10:00:00 +0000")).toBe("2022-03-08");
    expect(dateFromMetadataValue("2 days ago")).toBeNull();
    expect(dateFromMetadataValue("2022-13-45")).toBeNull();
    expect(dateFromMetadataValue(null)).toBeNull();
  });
});

describe("cleanText: boilerplate", () => {
  const title = "Danube floods force hundreds from homes";
  const clean = (middle: string, tail = "") => cleanText(`${title}\n\n${story.slice(0, 2).join("\n\n")}\n\n${middle}\n\n${story.slice(2).join("\n\n")}${tail}`).body;

  it("drops inline teasers, share rows, ads and photo credits but keeps the story around them", () => {
    for (const junk of [
      "ALSO READ: Ruble hits record low as sanctions bite",
      "Related: How the 2013 floods changed Austria",
      "Advertisement",
      "Share this article",
      "Facebook Twitter WhatsApp Email",
      "Click here to get the latest news on your phone",
      "(Image: AP/File)",
      "Photo credit: Reuters",
      "Sign up for our morning newsletter to get the news in your inbox",
    ]) {
      const body = clean(junk);
      expect(body, junk).not.toContain(junk);
      expect(body, junk).toContain("GeoSphere Austria expect the Danube to peak");
      expect(body, junk).toContain("opened shelters in Vienna");
    }
  });

  it("ends the story at 'Previous Story', 'Recent Posts' and similar headings", () => {
    for (const heading of ["Previous Story", "Recent Posts", "Related Articles", "You may also like", "Leave a Reply", "Most Read"]) {
      const body = clean("", `\n\n${heading}\n\nTeaser headline about something else\n\nAnother teaser headline here\n\n2 days ago`);
      expect(body, heading).not.toContain(heading);
      expect(body.endsWith("before the waters begin to recede."), heading).toBe(true);
    }
  });

  it("removes credits, author names, cookie notices and spam after the last sentence", () => {
    const body = clean("", "\n\nSources: Agencies\n\nAnna Gruber\n\nThis website uses cookies to improve your experience.\n\nxnxx videos");
    expect(body.endsWith("before the waters begin to recede.")).toBe(true);
    const credited = clean("", "\n\n(With inputs from agencies)\n\n(Reporting by Anna Gruber; Editing by Peter Huber)");
    expect(credited.endsWith("before the waters begin to recede.")).toBe(true);
  });

  it("cuts an unrelated story appended after the main one", () => {
    const appended =
      "\n\n\nChile's new cabinet sworn in\n\nSantiago (AP) Gabriel Boric swore in his cabinet at La Moneda on Friday, with Izkia Siches at the Interior Ministry." +
      "\n\nMario Marcel, a former Central Bank governor, takes the Finance Ministry as Chile faces rising inflation in Valparaiso and Concepcion.";
    const body = clean("", appended);
    expect(body).not.toContain("Boric");
    expect(body.endsWith("before the waters begin to recede.")).toBe(true);
  });

  it("keeps subheadings of the same story and closing lists", () => {
    const withSubhead = clean("Danube flood relief for Linz farmers\n\nFarmers near Linz said the Danube flood ruined their harvest, and Vienna promised help.");
    expect(withSubhead).toContain("Danube flood relief for Linz farmers");
    const fixtures = cleanText(`Cup draw\n\n${story.join("\n\n")}\n\nChelsea v Birmingham\n\nWest Ham v Sheffield United\n\nArsenal v Wolves`).body;
    expect(fixtures.endsWith("Arsenal v Wolves")).toBe(true);
  });

  it("joins hard-wrapped lines into paragraphs", () => {
    const out = cleanText(`${title}\n\nFlood waters rose across the valley on Tuesday, forcing\nhundreds of families to leave their homes.\n\n${story[1]}`);
    expect(out.body.startsWith("Flood waters rose across the valley on Tuesday, forcing hundreds of families")).toBe(true);
  });
});

describe("cleanText: speed and pathological input", () => {
  it("handles 100k-character lines and punctuation storms quickly", () => {
    const inputs = [
      "a".repeat(100_000),
      "Also read: " + "x ".repeat(50_000),
      ".,;:!?-—\"'()[]".repeat(8_000),
      "By " + "Ab ".repeat(40_000),
      "Published: " + "9 ".repeat(50_000),
      ("Headline Words Here\n\n").repeat(10_000),
      "ISTANBUL, " + "March ".repeat(20_000),
      "\n".repeat(100_000),
    ];
    const started = performance.now();
    for (const input of inputs) expect(typeof cleanText(input).body).toBe("string");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("cleans well under 1 ms per KB", () => {
    const text = `${"Danube floods force hundreds from homes"}\n\n${Array.from({ length: 300 }, (_, i) => story[i % story.length]).join("\n\n")}`;
    cleanText(text);
    const started = performance.now();
    cleanText(text);
    expect((performance.now() - started) / (text.length / 1024)).toBeLessThan(1);
  });
});

const shared = resolve(process.cwd(), "../shared");
const seedDir = join(shared, "seeds");
const goldDir = join(shared, "gold");
const fold = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033«»"]/g, " ")
    .replace(/[\u2010-\u2015-]/g, " ")
    .replace(/\s+/g, " ")
    .trim();

describe("seed articles", () => {
  const seeds = existsSync(seedDir) ? readdirSync(seedDir).filter((f) => f.endsWith(".txt")).sort() : [];
  it("has the seed articles beside the repo", () => {
    expect(seeds.length).toBeGreaterThan(0);
  });
  for (const seed of seeds) {
    it(`${seed}: body, title and date as the gold says`, () => {
      const gold = JSON.parse(readFileSync(join(goldDir, seed.replace(/\.txt$/, ".json")), "utf8"));
      const out = cleanText(readFileSync(join(seedDir, seed), "utf8"));
      const body = fold(out.body);
      const start = body.indexOf(fold(gold.bodyStartsWith));
      const end = body.lastIndexOf(fold(gold.bodyEndsWith));
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThanOrEqual(400);
      expect(end).toBeGreaterThanOrEqual(0);
      expect(body.length - (end + fold(gold.bodyEndsWith).length)).toBeLessThanOrEqual(40);
      if (gold.title != null) expect(fold(out.title ?? "")).toBe(fold(gold.title));
      if (gold.publishedAt != null) expect(out.publishedAt).toBe(gold.publishedAt);
    });
  }
});
