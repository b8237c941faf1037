import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/extract/sentences.js";

const texts = (body: string) => splitSentences(body).map((s) => body.slice(s.start, s.end));

describe("splitSentences", () => {
  it("splits on terminal punctuation followed by a capital", () => {
    expect(texts("The storm hit Lima. Rescuers arrived! Was anyone hurt? Nobody knows.")).toEqual([
      "The storm hit Lima.",
      "Rescuers arrived!",
      "Was anyone hurt?",
      "Nobody knows.",
    ]);
  });

  it("keeps titles, initials and dotted acronyms inside the sentence", () => {
    expect(texts("Mr. Okafor met Dr. J. Mensah in the U.S. State Department on Feb. 3. They talked.")).toEqual([
      "Mr. Okafor met Dr. J. Mensah in the U.S. State Department on Feb. 3.",
      "They talked.",
    ]);
  });

  it("ends a sentence after a closing quote and at every line break", () => {
    expect(texts("“We will stay,” she said. “Nothing changes.”\nNew paragraph here")).toEqual([
      "“We will stay,” she said.",
      "“Nothing changes.”",
      "New paragraph here",
    ]);
  });

  it("does not split decimals or lowercase continuations", () => {
    expect(texts("Prices rose 3.5 percent in Oslo... analysts said. Markets fell.")).toEqual([
      "Prices rose 3.5 percent in Oslo... analysts said.",
      "Markets fell.",
    ]);
  });

  it("returns offsets into the body, without surrounding white space", () => {
    const body = "  First one.   Second one.  ";
    const spans = splitSentences(body);
    expect(spans).toEqual([
      { start: 2, end: 12 },
      { start: 15, end: 26 },
    ]);
  });
});
