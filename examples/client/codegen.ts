import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the client, from the committed schema (`npm run schema` writes it).
 * Generate with `npm run codegen:client` (from the repository root); output: src/gql/.
 */
const config: CodegenConfig = {
  // NEWSGRAPH_SCHEMA: check the operations against another schema (the test does, with a broken one).
  schema: process.env.NEWSGRAPH_SCHEMA ?? "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    [process.env.NEWSGRAPH_CODEGEN_OUT ?? "./src/gql/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string" },
      },
    },
  },
};

export default config;
