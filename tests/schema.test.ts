import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse, printSchema, validate } from "graphql";
import { EXAMPLE_OPERATIONS } from "../src/graphql/examples.js";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { schema } from "../src/graphql/schema.js";

describe("committed artefacts", () => {
  it("schema.graphql is what the code prints (run `npm run schema` after changing the API)", () => {
    const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printSchema(schema) + "\n");
  });

  it("keeps the root fields that outside checks rely on", () => {
    const query = schema.getQueryType()!.getFields();
    for (const field of ["articles", "events", "quotes", "figures", "people", "places", "organizations"]) {
      const type = schema.getType(String(query[field].type).replace(/!$/, "")) as { getFields(): Record<string, unknown> };
      expect(Object.keys(type.getFields()).sort()).toEqual(expect.arrayContaining(["edges", "pageInfo", "totalCount"]));
    }
    expect(query.node).toBeDefined();
    expect(schema.getMutationType()!.getFields().ingestArticle).toBeDefined();
    expect(schema.getSubscriptionType()!.getFields().eventAdded).toBeDefined();
  });

  it("GraphiQL's example operations are valid against the schema", () => {
    const document = parse(EXAMPLE_OPERATIONS);
    expect(validate(schema, document)).toEqual([]);
    const names = document.definitions.map((d) => (d.kind === "OperationDefinition" ? `${d.operation} ${d.name?.value}` : d.kind));
    expect(names).toEqual(["query EventsFeed", "query PersonPage", "query PlacePage", "subscription LiveEvents"]);
  });

  it("docker-compose.yml parses and runs PostgreSQL, the server and a queue worker against it", () => {
    const compose = parseYaml(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8"));
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(["postgres", "server", "worker"]));
    expect(compose.services.server.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(compose.services.server.depends_on.postgres.condition).toBe("service_healthy");
    expect(compose.services.postgres.healthcheck.test.join(" ")).toContain("pg_isready");
    // The worker: same image and database as the server, the CLI's worker command, a health check.
    const worker = compose.services.worker;
    expect(worker.image).toBe(compose.services.server.image);
    expect(worker.volumes).toEqual(compose.services.server.volumes);
    expect(worker.environment.DATABASE_URL).toBe(compose.services.server.environment.DATABASE_URL);
    expect(worker.command).toMatch(/npx tsx src\/cli\.ts worker\b/);
    const healthFile = /--health-file ([^\s"]+)/.exec(worker.command)?.[1];
    expect(healthFile).toBeDefined();
    expect(worker.healthcheck.test.join(" ")).toContain(healthFile);
    expect(worker.depends_on.postgres.condition).toBe("service_healthy");
    expect(worker.depends_on.server.condition).toBe("service_healthy");
    expect(worker.stop_signal).toBe("SIGTERM");
    // Compose's own validation where it is installed (.ci/run installs Debian's docker-compose).
    const composeCli = spawnSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: new URL("..", import.meta.url), encoding: "utf8" });
    if (!(composeCli.error && "code" in composeCli.error && composeCli.error.code === "ENOENT")) {
      expect(composeCli.status, composeCli.stderr).toBe(0);
    }
  });
});

describe("resolvers on hot paths", () => {
  // An `id` that answers with a promise makes graphql-js complete every object of a page
  // asynchronously (@pothos/plugin-relay's globalID resolver was async; patched in patches/).
  it("encodes node ids synchronously", () => {
    for (const typeName of ["Event", "Article", "Person", "Quote"]) {
      const type = schema.getType(typeName) as { getFields(): Record<string, { resolve?: (...args: unknown[]) => unknown }> };
      const id = type.getFields().id.resolve!({ id: 7 }, {}, {}, {});
      expect(typeof id, typeName).toBe("string");
      expect(Buffer.from(id as string, "base64").toString()).toMatch(new RegExp(`^${typeName}:7$`));
    }
  });
});
