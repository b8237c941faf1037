// Writes schema.graphql from the code (the file is committed; a test fails when it is stale).
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../src/graphql/schema.js";

writeFileSync(new URL("../schema.graphql", import.meta.url), printSchema(schema) + "\n");
