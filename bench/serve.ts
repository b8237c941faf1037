// The Newsgraph server as the benchmark runs it: a child process serving the real schema over a
// PostgreSQL store, counting the SQL statements drizzle sends (the store's onQuery hook). The
// parent asks over IPC: {cmd:"count"} starts a count, {cmd:"report"} returns it with the statements.
import { configFromEnv } from "../src/config.js";
import { openStore } from "../src/db/client.js";
import { startServer } from "../src/server.js";

const config = configFromEnv();
const store = await openStore({ ...config, maxConnections: Number(process.env.BENCH_POOL ?? 10) });
let counting = false;
let statements: { query: string; params: unknown[] }[] = [];
store.onQuery((query, params) => {
  if (counting) statements.push({ query, params });
});
const server = await startServer(store, { ...config, port: Number(process.env.PORT ?? 0) });
process.on("message", (message: { cmd: string }) => {
  if (message.cmd === "count") {
    statements = [];
    counting = true;
    process.send!({ cmd: "counting" });
  } else if (message.cmd === "report") {
    counting = false;
    process.send!({ cmd: "report", statements });
  }
});
process.on("SIGTERM", () => void server.close().then(() => store.close()).finally(() => process.exit(0)));
process.send!({ cmd: "ready", url: server.url });
