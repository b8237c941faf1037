import { afterAll, beforeAll } from "vitest";
import { startServer, type RunningServer } from "../../src/server.js";
import type { StoreFactory, TestStore } from "./stores.js";

export interface ServerFixture {
  store: TestStore;
  server: RunningServer;
}

/** A fresh store with a real server on it (port 0), opened before a describe block's tests and closed after. */
export function serverFixture(factory: StoreFactory, options: { maxArticleBytes?: number } = {}): ServerFixture {
  const fixture = {} as ServerFixture;
  beforeAll(async () => {
    fixture.store = await factory.open();
    fixture.server = await startServer(fixture.store, { port: 0, maxArticleBytes: options.maxArticleBytes ?? 1024 * 1024 });
  });
  afterAll(async () => {
    await fixture.server?.close();
    await fixture.store?.destroy();
  });
  return fixture;
}

/** Waits until `condition` holds, polling; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
