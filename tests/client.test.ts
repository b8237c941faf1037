import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../src/server.js";
import { OSLO_PROTEST } from "./helpers/articles.js";
import { ROOT, runNode } from "./helpers/processes.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const CLIENT = join(ROOT, "examples", "client");
const CODEGEN = join(ROOT, "node_modules", "@graphql-codegen", "cli", "cjs", "bin.js");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");


interface Brief {
  title: string;
  type: string;
  date: string | null;
  place: string | null;
  country: string | null;
  mentionCount: number;
  outlets: (string | null)[];
  articles: (string | null)[];
}
interface DemoOutput {
  before: { totalCount: number };
  ingested: { ok: true; duplicate: boolean; added: Brief[] };
  refused: { ok: false; code: string; message: string };
  live: { kind: string; cursor: string; event: Brief } | null;
  after: { totalCount: number; latest: Brief[] };
}

describe("typed client (examples/client) generated from schema.graphql", () => {
  let store: TestStore;
  let server: RunningServer;
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "newsgraph-client-"));
    store = await storeFactories[0].open();
    server = await startServer(store, { port: 0, maxArticleBytes: 100_000 });
  });

  afterAll(async () => {
    await server?.close();
    await store?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("generates typed documents from the committed schema and typechecks the example", async () => {
    const codegen = await runNode([CODEGEN, "--config", "codegen.ts"], { cwd: CLIENT });
    expect(codegen.code, codegen.stderr + codegen.stdout).toBe(0);
    const generated = readFileSync(join(CLIENT, "src", "gql", "graphql.ts"), "utf8");
    expect(generated).toMatch(/export type EventSummaryFragment = /);
    expect(generated).toMatch(/export const IngestArticleDocument = /);
    const tsc = await runNode([TSC, "-p", CLIENT]);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  });

  it("fails code generation when the schema drops a field the client uses", async () => {
    const broken = readFileSync(join(ROOT, "schema.graphql"), "utf8").replace(/^\s*mentionCount: Int!\n/m, "");
    expect(broken).not.toMatch(/mentionCount/);
    writeFileSync(join(tmp, "broken.graphql"), broken);
    const codegen = await runNode([CODEGEN, "--config", "codegen.ts"], {
      cwd: CLIENT,
      // NODE_ENV=test would silence codegen's report of what failed.
      env: { NODE_ENV: "development", NEWSGRAPH_SCHEMA: join(tmp, "broken.graphql"), NEWSGRAPH_CODEGEN_OUT: join(tmp, "gql") + "/" },
    });
    expect(codegen.code).not.toBe(0);
    expect(codegen.stdout + codegen.stderr).toMatch(/Cannot query field "mentionCount" on type "Event"/);
  });

  it("lists events, ingests through the mutation (payload and IngestError), and receives eventAdded over graphql-ws", async () => {
    const file = join(tmp, "oslo.txt");
    writeFileSync(file, OSLO_PROTEST);
    const demo = await runNode(["--import", "tsx", join(CLIENT, "src", "demo.ts"), server.url, file]);
    expect(demo.code, demo.stderr).toBe(0);
    const output = JSON.parse(demo.stdout) as DemoOutput;
    expect(output.before.totalCount).toBe(0);
    expect(output.ingested).toMatchObject({ ok: true, duplicate: false });
    expect(output.ingested.added).toEqual([
      expect.objectContaining({ type: "PROTEST", date: "2024-03-05", place: "Oslo", country: "NO", mentionCount: 1, outlets: ["Demo Wire"], articles: ["Dockworkers protest in Oslo over pay"] }),
    ]);
    expect(output.refused).toEqual({ ok: false, code: "EMPTY_BODY", message: expect.any(String) });
    expect(output.live).toMatchObject({ kind: "ADDED", event: output.ingested.added[0] });
    expect(output.live!.cursor).toEqual(expect.any(String));
    expect(output.after.totalCount).toBe(1);
    expect(output.after.latest[0]).toEqual(output.ingested.added[0]);
  });
});
