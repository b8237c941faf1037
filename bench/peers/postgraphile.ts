// Peer: PostGraphile v5 (Amber preset) over the same tables. The filtered searches, which the
// stock schema's equality-only `condition` cannot express, are SQL functions PostGraphile exposes
// (created in the benchmark database by bench/peers/run.ts). Run as a child: DATABASE_URL, PORT.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL!, schemas: ["public"], poolConfig: { max: Number(process.env.BENCH_POOL ?? 10) } })],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.send!({ cmd: "ready", url: `http://127.0.0.1:${port}/graphql` });
});
process.on("SIGTERM", () => void Promise.resolve(pgl.release()).finally(() => process.exit(0)));
