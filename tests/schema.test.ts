import { readFileSync } from "node:fs";
import { printSchema } from "graphql";
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

  it("docker-compose.yml parses and runs PostgreSQL and the server against it", () => {
    const compose = parseYaml(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8"));
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(["postgres", "server"]));
    expect(compose.services.server.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(compose.services.server.depends_on.postgres.condition).toBe("service_healthy");
    expect(compose.services.postgres.healthcheck.test.join(" ")).toContain("pg_isready");
  });
});
