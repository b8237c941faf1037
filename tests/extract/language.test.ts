import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/extract/language.js";

describe("detectLanguage", () => {
  it("recognises English news prose", () => {
    expect(detectLanguage("The foreign ministers of Norway and Germany met in Geneva on Monday to discuss grain exports, officials said.")).toBe("en");
  });

  it("names other languages", () => {
    expect(detectLanguage("Les ministres des Affaires étrangères se sont réunis lundi à Genève pour discuter des exportations de céréales.")).toBe("fr");
    expect(detectLanguage("Die Außenminister trafen sich am Montag in Genf, um über die Getreideexporte des Landes zu sprechen.")).toBe("de");
    expect(detectLanguage("Министры иностранных дел двух стран встретились в понедельник в Женеве, чтобы обсудить экспорт зерна.")).toBe("ru");
  });

  it("says und for text too short to tell", () => {
    expect(detectLanguage("Breaking news")).toBe("und");
  });
});
