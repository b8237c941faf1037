import { defineConfig } from "vite";

// `npm run web:dev` serves the page and proxies /graphql (HTTP and WebSocket) to a local server.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  server: {
    proxy: { "/graphql": { target: process.env.NEWSGRAPH_SERVER ?? "http://localhost:4000", ws: true, changeOrigin: true } },
  },
  build: { outDir: "dist", emptyOutDir: true },
});
