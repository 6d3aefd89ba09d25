/**
 * The staff doors' share of what the channels do to what they let in (channels/inbound-text.ts):
 * every string of a console or API request — path parameters, query, form or JSON body — loses
 * its NUL and other C0 control characters (tab and newlines stay), and a lone surrogate becomes
 * U+FFFD, before any schema or handler sees it. Postgres refuses NUL in text and jsonb: without
 * this, one such character pasted into a case note, or `%00` in a URL, earned a 500.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { normaliseText } from "../channels/inbound-text.ts";

/** `value` with every string in it cleaned (objects and arrays walked; Buffers, numbers… kept). */
export function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return normaliseText(value, Number.POSITIVE_INFINITY);
  if (Array.isArray(value)) return value.map(cleanStrings);
  // Parsed objects (JSON's, the query parser's, formbody's, fastify's params: some without
  // Object.prototype), not binary bodies (an uploaded recording is a Buffer).
  if (value && typeof value === "object" && !ArrayBuffer.isView(value) && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as object).map(([key, inner]) => [
        normaliseText(key, Number.POSITIVE_INFINITY),
        cleanStrings(inner),
      ]),
    );
  }
  return value;
}

/** Cleans the request's params, query and body (see above). */
function clean(request: FastifyRequest): void {
  request.params = cleanStrings(request.params);
  request.query = cleanStrings(request.query);
  if (request.body !== undefined) request.body = cleanStrings(request.body);
}

/** Cleans every request whose path starts with one of `prefixes`, before validation. */
export function cleanInputsUnder(http: FastifyInstance, prefixes: readonly string[]): void {
  http.addHook("preValidation", async (request) => {
    if (prefixes.some((prefix) => request.url.startsWith(prefix))) clean(request);
  });
}
