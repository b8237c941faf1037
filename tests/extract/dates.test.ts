import { describe, expect, it } from "vitest";
import { findDateExpressions, resolveExpression, resolveHint, yearFromWeekday } from "../../src/extract/dates.js";

const NOW = new Date("2030-06-01T12:00:00Z");

describe("findDateExpressions", () => {
  it("resolves a day of a month against the reference date's year", () => {
    const [d] = findDateExpressions("The summit opened on June 3.", "2019-06-05", NOW);
    expect(resolveExpression(d, "2019-06-05", "past")).toBe("2019-06-03");
  });

  it("keeps a bare weekday as a hint and resolves it by tense", () => {
    const [d] = findDateExpressions("The envoys met on Friday.", "2019-06-05", NOW);
    expect(d.hint).toEqual({ weekday: 5, month: null, day: null });
    // 2019-06-05 is a Wednesday: the last Friday before it, the next one after it.
    expect(resolveExpression(d, "2019-06-05", "past")).toBe("2019-05-31");
    expect(resolveExpression(d, "2019-06-05", "future")).toBe("2019-06-07");
  });

  it("fixes the year from the weekday when there is no reference", () => {
    const [d] = findDateExpressions("Talks will open on Thursday, March 10.", null, NOW);
    expect(d.date).toBe("2022-03-10");
  });

  it("leaves a year-less date without weekday or reference as a hint", () => {
    const [d] = findDateExpressions("since the blockade began Jan. 9 at dawn", null, NOW);
    expect(d.date).toBeNull();
    expect(d.hint).toEqual({ weekday: null, month: 1, day: 9 });
  });

  it("reads 'a day after' as an offset from the event mentioned before", () => {
    const [d] = findDateExpressions("The vote came a day after the mayor resigned.", "2019-06-05", NOW);
    expect(d.offset).toEqual({ days: -1, appliesTo: "following" });
  });

  it("ignores vague spans and ranges opened with 'since'", () => {
    expect(findDateExpressions("Prices rose last week and this year.", "2019-06-05", NOW)).toEqual([]);
    expect(findDateExpressions("They have talked since last week.", "2019-06-05", NOW)).toEqual([]);
  });

  it("needs a publication date for 'yesterday'", () => {
    const [d] = findDateExpressions("Rebels shelled the port yesterday.", "2019-06-05", NOW);
    expect(resolveExpression(d, "2019-06-05", "past")).toBe("2019-06-04");
    expect(findDateExpressions("Rebels shelled the port yesterday.", null, NOW)).toEqual([]);
  });
});

describe("resolveHint and yearFromWeekday", () => {
  it("puts a month and day in the year nearest the reference", () => {
    expect(resolveHint({ weekday: null, month: 12, day: 30 }, "2020-01-02", "past")).toBe("2019-12-30");
  });

  it("finds the latest year a date fell on a weekday", () => {
    expect(yearFromWeekday(3, 10, 4, 2030)).toBe(2022);
  });
});
