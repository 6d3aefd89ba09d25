/**
 * The console's static files: our stylesheet and scripts, and htmx with its SSE extension served
 * from node_modules (no CDN: these machines, and many organisations' networks, reach no internet).
 * Read once at start-up; cached by the browser for an hour.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);

const ASSETS: Record<string, { file: string; type: string }> = {
  "console.css": { file: new URL("./assets/console.css", import.meta.url).pathname, type: "text/css" },
  "console.js": { file: new URL("./assets/console.js", import.meta.url).pathname, type: "text/javascript" },
  "voice-recorder.js": {
    file: new URL("./assets/voice-recorder.js", import.meta.url).pathname,
    type: "text/javascript",
  },
  "htmx.min.js": { file: require.resolve("htmx.org/dist/htmx.min.js"), type: "text/javascript" },
  "htmx-sse.js": { file: require.resolve("htmx-ext-sse/dist/sse.min.js"), type: "text/javascript" },
};

/** Registers `GET /console/assets/<name>`. */
export function registerAssetRoutes(http: FastifyInstance): void {
  for (const [name, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(asset.file);
    http.get(`/console/assets/${name}`, async (_request, reply) =>
      reply
        .header("content-type", `${asset.type}; charset=utf-8`)
        .header("cache-control", "public, max-age=3600")
        .header("x-content-type-options", "nosniff")
        .send(body),
    );
  }
}
