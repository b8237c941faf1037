#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Command } from "commander";
import { extractArticle } from "./extract/index.js";
import { toContractRecord } from "./extract/format.js";
import { articleInputFromFile } from "./extract/input.js";

const program = new Command("newsgraph").description("Newsgraph: news articles in, facts out.");

program
  .command("extract")
  .description("Extract records from article files (text or HTML) and print them as JSON Lines")
  .argument("<files...>", "article files, read as one batch in order")
  .action((files: string[]) => {
    for (const file of files) {
      const extracted = extractArticle(articleInputFromFile(file, readFileSync(file, "utf8")));
      const name = basename(file);
      const clusterIds = extracted.events.map((_, i) => `${name}#${i}`);
      process.stdout.write(JSON.stringify(toContractRecord(name, extracted, clusterIds)) + "\n");
    }
  });

await program.parseAsync();
