import { describe, expect, it } from "vitest";
import { extractFigures } from "../../src/extract/figures.js";
import { findNumbers } from "../../src/extract/numbers.js";

const figures = (body: string) =>
  extractFigures(body, []).map(({ value, unit, measure, qualifier }) => ({ value, unit, measure, qualifier }));

describe("findNumbers", () => {
  it.each([
    ["1,119", 1119],
    ["3.82 million", 3820000],
    ["$2.5bn", 2500000000],
    ["£16.6bn", 16600000000],
    ["twenty-five", 25],
    ["two hundred and five", 205],
    ["a dozen", 12],
    ["half a million", 500000],
    ["40%", 40],
    ["60 per cent", 60],
  ])("reads %s as %d", (text, value) => {
    const [number] = findNumbers(`about ${text} things`);
    expect(number.value).toBe(value);
    expect(`about ${text} things`.slice(number.start, number.end)).toBe(text);
  });

  it("does not read 'a' or 'half' on their own", () => {
    expect(findNumbers("a man took half the money")).toEqual([]);
  });
});

describe("extractFigures", () => {
  it("normalises casualty counts to persons with measure and qualifier, carrying the qualifier over", () => {
    expect(figures("At least 1,119 civilians have been killed in the region and 1,790 injured, officials said.")).toEqual([
      { value: 1119, unit: "person", measure: "killed", qualifier: "at least" },
      { value: 1790, unit: "person", measure: "injured", qualifier: "at least" },
    ]);
  });

  it("counts people of a nationality who fled, with a scale word", () => {
    expect(figures("More than 3.82 million Syrians have fled to neighbouring countries.")).toEqual([
      { value: 3820000, unit: "person", measure: "fled", qualifier: "more than" },
    ]);
  });

  it("reads money with a currency sign and a scale abbreviation", () => {
    expect(figures("The new bridge will cost $2.5bn, the council said.")).toEqual([
      { value: 2500000000, unit: "dollar", measure: "cost", qualifier: null },
    ]);
  });

  it("reads durations in words", () => {
    expect(figures("It followed two weeks of fighting and a meeting lasting about 90 minutes.")).toEqual([
      { value: 2, unit: "week", measure: "duration", qualifier: null },
      { value: 90, unit: "minute", measure: "duration", qualifier: "about" },
    ]);
  });

  it("reads a dozen, half a million and percentages", () => {
    expect(figures("A dozen schools shut. Nearly half a million homes lost power. Turnout rose 40%.")).toEqual([
      { value: 12, unit: "school", measure: "schools", qualifier: null },
      { value: 500000, unit: "home", measure: "homes", qualifier: "less than" },
      { value: 40, unit: "percent", measure: "increase", qualifier: null },
    ]);
  });

  it("maps qualifier wording", () => {
    const qualifiers = figures(
      "Over 30 towns flooded. Roughly 200 houses burned. Up to 15 villages were cut off. Fewer than 50 shops opened. Some 80 families left.",
    ).map((f) => f.qualifier);
    expect(qualifiers).toEqual(["more than", "about", "up to", "less than", "about"]);
  });

  it("reads a range as its two ends", () => {
    expect(figures("Between 5 and 10 soldiers were wounded.")).toEqual([
      { value: 5, unit: "soldier", measure: "injured", qualifier: "at least" },
      { value: 10, unit: "soldier", measure: "injured", qualifier: "up to" },
    ]);
  });

  it("keeps offsets and evidence text", () => {
    const body = "Police said at least 20 people were arrested.";
    const [figure] = extractFigures(body, []);
    expect(figure.text).toBe("at least 20 people");
    expect(body.slice(figure.start, figure.end)).toBe(figure.text);
    expect(figure.measure).toBe("arrested");
  });

  it("ignores dates, years, clock times, ordinals, ages and numbers in names", () => {
    const body =
      "On March 10, 2022 the third round of talks began at 10:00 in Geneva. The G7 met on 24 February. " +
      "Covid-19 cases fell in 2021. John Smith, 31, was named. The 3rd report came out at 10am. " +
      "Fans watched the Six Nations. Call 020 7946 0000 for details.";
    expect(figures(body)).toEqual([]);
  });

  it("ignores numbers not counting anything and relative dates", () => {
    expect(figures("The index closed at 45.2 on Friday. Two years ago the plan was dropped. One of them left.")).toEqual([]);
  });
});

describe("figure ranges after an elliptic unit", () => {
  it("keeps both ends of a range inside its evidence (found by the fuzz test)", async () => {
    const { extractArticle } = await import("../../src/extract/index.js");
    const body = "1.2.3,4 5% $6bn £7m 8-9 ".repeat(20);
    const result = extractArticle({ text: body });
    expect(result.figures.length).toBeGreaterThan(0);
    for (const f of result.figures) {
      expect(f.start).toBeLessThanOrEqual(f.end);
      expect(result.body.slice(f.start, f.end)).toBe(f.text);
    }
  });
});
