import { describe, expect, it } from "vitest";
import { buildGazetteer, deserializeGazetteer, gazetteerCachePath, serializeGazetteer } from "../../src/extract/gazetteer.js";

describe("gazetteer disk cache", () => {
  it("round-trips the built gazetteer exactly", () => {
    const built = buildGazetteer();
    const loaded = deserializeGazetteer(serializeGazetteer(built));
    expect(loaded.byName.size).toBe(built.byName.size);
    expect(loaded.maxWords).toBe(built.maxWords);
    expect([...loaded.demonyms.keys()]).toEqual([...built.demonyms.keys()]);
    expect([...loaded.countries.keys()]).toEqual([...built.countries.keys()]);
    for (const [key, list] of built.byName) expect(loaded.byName.get(key)).toEqual(list);
    for (const [key, place] of built.demonyms) expect(loaded.demonyms.get(key)).toEqual(place);
  }, 30_000);

  it("rejects a malformed cache", () => {
    expect(() => deserializeGazetteer("{}")).toThrow();
    expect(() => deserializeGazetteer('{"version":1,"places":[],"keys":["x"],"lists":[0],"demonyms":[],"countries":[],"maxWords":1}')).toThrow();
  });

  it("keys the cache file by its inputs, under NEWSGRAPH_CACHE_DIR", () => {
    const saved = process.env.NEWSGRAPH_CACHE_DIR;
    process.env.NEWSGRAPH_CACHE_DIR = "/some/dir";
    try {
      expect(gazetteerCachePath()).toMatch(/^\/some\/dir\/gazetteer-[0-9a-f]{20}\.json$/);
    } finally {
      if (saved === undefined) delete process.env.NEWSGRAPH_CACHE_DIR;
      else process.env.NEWSGRAPH_CACHE_DIR = saved;
    }
  });
});
