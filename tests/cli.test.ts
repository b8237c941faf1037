import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PloverEvent } from "../src/ops/export.js";
import { CSV_COLUMNS } from "../src/ops/export.js";
import { BINARY, LIMA_EARTHQUAKE, OSLO_PROTEST, STOCKHOLM_AGREEMENT } from "./helpers/articles.js";
import { runCli } from "./helpers/processes.js";
import { storeFactories } from "./helpers/stores.js";

/** Where the CLI process keeps its data: a PGlite directory, or a fresh PostgreSQL database. */
async function cliEnvironment(kind: "pglite" | "postgres", dir: string): Promise<{ env: Record<string, string>; destroy: () => Promise<void> }> {
  if (kind === "pglite") return { env: { DATA_DIR: join(dir, "data"), DATABASE_URL: "" }, destroy: async () => {} };
  const store = await storeFactories.find((f) => f.kind === "postgres")!.open();
  return { env: { DATABASE_URL: store.databaseUrl! }, destroy: () => store.destroy() };
}

describe.each(storeFactories)("CLI on $kind", (factory) => {
  let dir: string;
  let env: Record<string, string>;
  let destroy: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "newsgraph-cli-"));
    ({ env, destroy } = await cliEnvironment(factory.kind, dir));
    mkdirSync(join(dir, "in", "nested"), { recursive: true });
    writeFileSync(join(dir, "in", "oslo.txt"), OSLO_PROTEST);
    writeFileSync(join(dir, "in", "stockholm.txt"), STOCKHOLM_AGREEMENT);
    writeFileSync(join(dir, "in", "sweden-copy.txt"), STOCKHOLM_AGREEMENT);
    writeFileSync(join(dir, "in", "notes.md"), "not an article: the glob leaves it out");
    writeFileSync(join(dir, "in", "nested", "lima.html"), `<html><head><title>Earthquake strikes near Lima</title></head><body><article><h1>Earthquake strikes near Lima</h1>${LIMA_EARTHQUAKE.split("\n\n").slice(1).map((p) => `<p>${p}</p>`).join("")}</article></body></html>`);
    writeFileSync(join(dir, "in", "broken.txt"), BINARY);
  });

  afterAll(async () => {
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ingests a glob and a directory, logs each file without a TTY, summarises, and exits 1 naming the bad file's reason", async () => {
    const result = await runCli(["ingest", join(dir, "in", "*.txt"), join(dir, "in", "nested"), join(dir, "in", "missing.txt")], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/oslo\.txt: stored, 1 new events/);
    // Two files with the same story, ingested two at a time (the default): one is stored, the other is found stored.
    const copies = ["stockholm", "sweden-copy"].map((name) => new RegExp(`${name}\\.txt: (stored, \\d+ new events|already stored)`).exec(result.stderr)?.[1]);
    expect(copies.map((c) => (c?.startsWith("stored") ? "stored" : c)).sort()).toEqual(["already stored", "stored"]);
    expect(result.stderr).toMatch(/lima\.html: stored/);
    expect(result.stderr).not.toMatch(/notes\.md/);
    // Plain lines, no progress bar, when standard error is not a terminal.
    expect(result.stderr).not.toMatch(/ETA/);
    expect(result.stderr).toMatch(/5 files in [\d.]+ s \([\d.]+\/s\): 3 stored, 1 already stored, 2 failed/);
    expect(result.stderr).toMatch(/failed:\n(.*\n)*\s+.*broken\.txt: BINARY_CONTENT: /);
    expect(result.stderr).toMatch(/missing\.txt: no such file or directory/);

  });

  it("exports events as PLOVER JSON Lines with place, actors and source evidence, filtered by date", async () => {
    const all = await runCli(["export", "--format", "plover"], env);
    expect(all.code).toBe(0);
    const events = all.stdout.trim().split("\n").map((line) => JSON.parse(line) as PloverEvent);
    expect(all.stderr).toMatch(new RegExp(`^${events.length} events exported`, "m"));
    const protest = events.find((e) => e.event_type === "PROTEST" && e.location?.name === "Oslo");
    expect(protest).toMatchObject({
      event_date: "2024-03-05",
      event_status: "occurred",
      location: { name: "Oslo", country: "NO" },
      mention_count: 1,
      sources: [{ title: "Dockworkers protest in Oslo over pay", evidence: "Thousands of dockworkers protested in Oslo on Tuesday" }],
    });
    expect(protest!.location!.latitude).toBeCloseTo(59.9, 0);
    expect(protest!.actors.map((a) => a.name)).toContain("Norwegian Transport Workers Union");
    expect(events.find((e) => e.event_type === "AGREE" && e.location?.name === "Stockholm")?.actors.map((a) => a.name)).toEqual(
      expect.arrayContaining(["Norway", "Sweden"]),
    );
    expect(events.some((e) => e.event_type === "DISASTER" && e.location?.name === "Lima")).toBe(true);
    // Sorted by date.
    const dates = events.map((e) => e.event_date ?? e.first_reported);
    expect(dates).toEqual([...dates].sort());

    const april = await runCli(["export", "--format", "plover", "--from", "2024-04-01", "--to", "2024-04-30"], env);
    expect(april.code).toBe(0);
    const aprilEvents = april.stdout.trim().split("\n").map((line) => JSON.parse(line) as PloverEvent);
    expect(aprilEvents.length).toBeGreaterThan(0);
    expect(aprilEvents.every((e) => (e.event_date ?? e.first_reported) >= "2024-04-01" && (e.event_date ?? e.first_reported) <= "2024-04-30")).toBe(true);
    expect(aprilEvents.some((e) => e.event_type === "AGREE")).toBe(true);
  });

  it("exports CSV with a header for analysts, to a file, and refuses a bad format or date", async () => {
    const file = join(dir, "events.csv");
    // The refusals open no store, so they can run beside the export.
    const [result, badFormat, badDate] = await Promise.all([
      runCli(["export", "--format", "csv", "--to", "2024-03-31", "--output", file], env),
      runCli(["export", "--format", "xml"], env),
      runCli(["export", "--from", "March"], env),
    ]);
    expect(result.code).toBe(0);
    const rows = parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_type: "PROTEST", event_date: "2024-03-05", place: "Oslo", country: "NO", mention_count: "1" });
    expect(rows[0].actors).toContain("Norwegian Transport Workers Union");
    expect(rows[0].evidence).toBe("Thousands of dockworkers protested in Oslo on Tuesday");

    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format must be plover or csv/);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--from must be a date YYYY-MM-DD/);
  });
});
