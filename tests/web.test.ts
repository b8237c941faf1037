import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../src/server.js";
import { LIMA_EARTHQUAKE, OSLO_PROTEST } from "./helpers/articles.js";
import { graphql } from "./helpers/graphql.js";
import { ROOT } from "./helpers/processes.js";
import { storeFactories, type TestStore } from "./helpers/stores.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = join(ROOT, "test-results", "web.png");
const INGEST = `mutation ($input: IngestArticleInput!) {
  ingestArticle(input: $input) { __typename ... on IngestArticlePayload { addedEvents { title place { name } } } ... on IngestError { code message } }
}`;

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };

/** Serves the built page, with config.js pointing it at the API. */
function serveStatic(dir: string, apiUrl: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/config.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(`window.NEWSGRAPH_URL = ${JSON.stringify(apiUrl)};`);
      return;
    }
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server })));
}

function runNode(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("live web page (examples/web) in Chromium", () => {
  let store: TestStore;
  let api: RunningServer;
  let site: { url: string; server: Server };
  let browser: BrowserContext;
  let page: Page;
  let dist: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "newsgraph-web-"));
    const [build, typecheck, opened] = await Promise.all([
      runNode([join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "examples/web", "--outDir", dist, "--emptyOutDir"]),
      runNode([join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "examples/web"]),
      storeFactories[0].open(),
    ]);
    store = opened;
    expect(build.code, build.output).toBe(0);
    expect(typecheck.code, typecheck.output).toBe(0);
    api = await startServer(store, { port: 0, maxArticleBytes: 100_000 });
    site = await serveStatic(dist, api.url);
    // A fresh profile of our own for each run.
    browser = await chromium.launchPersistentContext(join(dist, "profile"), {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 820 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    await api?.close();
    await store?.destroy();
    rmSync(dist, { recursive: true, force: true });
  });

  it("shows stored events with sources and places, then new events live as articles are ingested", async () => {
    const first = await graphql(api.url, INGEST, { input: { text: LIMA_EARTHQUAKE, source: "Andes Daily", url: "https://andes.example/quake" } });
    expect(first.data.ingestArticle.__typename).toBe("IngestArticlePayload");

    await page.goto(site.url);
    await page.locator("#status[data-state=live]").waitFor({ timeout: 15_000 });
    const lima = page.locator(".event", { hasText: "Lima" }).first();
    await expect.poll(() => lima.count()).toBe(1);
    expect(await lima.locator(".type").textContent()).toBe("DISASTER");
    expect(await lima.locator(".date").textContent()).toBe("2024-05-02");
    expect(await lima.locator(".place").textContent()).toBe("Lima (PE)");
    expect(await lima.locator(".mentions").textContent()).toBe("1 mention, 1 outlet");
    expect(await lima.locator(".sources a").first().getAttribute("href")).toBe("https://andes.example/quake");
    expect(await lima.locator(".sources li").first().textContent()).toContain("Andes Daily: Earthquake strikes near Lima");
    // The world outline and a dot for Lima.
    expect(await page.locator("#map path.country").count()).toBeGreaterThan(150);
    expect(await page.locator('#map circle.place[data-place="Lima"]').count()).toBe(1);
    expect(await page.locator(".event.fresh").count()).toBe(0);

    const second = await graphql(api.url, INGEST, { input: { text: OSLO_PROTEST, source: "Nordic Wire", url: "https://nordic.example/oslo" } });
    expect(second.data.ingestArticle.addedEvents).toEqual([expect.objectContaining({ place: { name: "Oslo" } })]);

    const oslo = page.locator(".event.fresh", { hasText: "Oslo" });
    await oslo.waitFor({ timeout: 10_000 });
    expect(await oslo.locator(".type").textContent()).toBe("PROTEST");
    expect(await oslo.locator(".sources li").first().textContent()).toContain("Nordic Wire: Dockworkers protest in Oslo over pay");
    await page.locator('#map circle.place.fresh[data-place="Oslo"]').waitFor({ timeout: 5_000 });
    // Newest event date first: the May earthquake above the March protest.
    const places = await page.locator(".event .place").allTextContents();
    expect(places.indexOf("Lima (PE)")).toBeLessThan(places.indexOf("Oslo (NO)"));
    expect(await page.locator("#event-count").textContent()).toMatch(/^\d+ events$/);

    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
