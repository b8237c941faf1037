import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";

describe("extractArticle", () => {
  it("takes the first line of a plain-text article as its title and the rest as body", () => {
    const out = extractArticle({ text: "Storm hits coast\n\nA storm hit the coast on Monday." });
    expect(out.title).toBe("Storm hits coast");
    expect(out.body).toContain("A storm hit the coast");
  });
});
