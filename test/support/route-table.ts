/**
 * Every route the app registered, read from fastify's own route tree (`printRoutes`), so a test
 * that walks them sees a route the day it is added, without anyone listing it.
 */
import type { FastifyInstance } from "fastify";

export interface RouteEntry {
  method: string;
  url: string;
}

/** The app's routes, HEAD left out (fastify adds it to every GET). */
export function routeTable(http: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const stack: string[] = [];
  for (const line of http.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^([│ ├└─]*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (!match) continue;
    const depth = Math.floor((match[1] ?? "").length / 4);
    stack.length = depth;
    stack[depth] = match[2] ?? "";
    const url = stack.join("");
    for (const method of (match[3] ?? "").split(", ").filter(Boolean))
      if (method !== "HEAD") routes.push({ method, url });
  }
  return routes;
}
