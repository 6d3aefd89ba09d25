/**
 * How an /api/v1 route is declared: method, path, zod schemas for its params, query, body and the
 * headers it reads, and a handler that receives them parsed and the staff member asking. The same schemas validate the
 * request and generate `GET /api/v1/openapi.json` (zod 4's z.toJSONSchema, OpenAPI 3.0 target),
 * so the document cannot drift from what the routes accept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { SchemaError } from "./api-errors.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a handler gets. */
export interface ApiCall<P, Q, B, H = unknown> {
  staff: StaffIdentity;
  params: P;
  query: Q;
  body: B;
  /** The headers the route declares, parsed (others are not in it). */
  headers: H;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One route. `url` is relative to /api/v1, fastify style (`/cases/:id`). */
export interface ApiRouteSpec<P = unknown, Q = unknown, B = unknown, H = unknown> {
  method: Method;
  url: string;
  summary: string;
  tags?: string[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Request headers the route reads, by their lower-case names (an object schema). */
  headers?: z.ZodType<H>;
  /** The success body's schema, for the document (not checked at run time). */
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /** What the route returns is sent as JSON; a handler that sent itself returns the reply. */
  handler(call: ApiCall<P, Q, B, H>): Promise<unknown>;
}

/** Collects the routes of the API scope and registers them on it. */
export interface ApiRouter {
  route<P, Q, B, H>(spec: ApiRouteSpec<P, Q, B, H>): void;
  readonly specs: readonly ApiRouteSpec[];
}

/** Registers a module's routes: `(router) => { router.route({...}); }`. */
export type ApiModule = (router: ApiRouter) => void;

export function createApiRouter(scope: FastifyInstance): ApiRouter {
  const specs: ApiRouteSpec[] = [];
  return {
    specs,
    route(spec) {
      specs.push(spec as ApiRouteSpec);
      scope.route({
        method: spec.method,
        url: spec.url,
        handler: async (request, reply) => {
          const staff = request.staff;
          if (!staff) return reply.code(401).send({ error: "sign in or send an API token" });
          const result = await spec.handler({
            staff,
            params: parsePart(spec.params, request.params, "path"),
            query: parsePart(spec.query, request.query, "query"),
            body: parsePart(spec.body, request.body, "body"),
            headers: parsePart(spec.headers, request.headers, "headers"),
            request,
            reply,
          });
          if (result === reply) return reply;
          return reply.code(spec.status ?? 200).send(result);
        },
      });
    },
  };
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (!result.success) throw new SchemaError(where, result.error);
  return result.data;
}

/** The OpenAPI 3.0 document of the registered routes. */
export function openApiDocument(specs: readonly ApiRouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = `/api/v1${spec.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: "3.0.3",
    info: { title: "Candidate engagement bot API", version },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "ceb_session" },
      },
      schemas: { Error: errorSchema },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

const errorSchema = {
  type: "object",
  properties: { error: { type: "string" }, issues: { type: "array", items: { type: "object" } } },
  required: ["error"],
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

function operation(spec: ApiRouteSpec): Record<string, unknown> {
  const parameters = [
    ...objectParameters(spec.params, "path"),
    ...objectParameters(spec.query, "query"),
    ...objectParameters(spec.headers, "header"),
  ];
  const errors = Object.fromEntries(
    [
      ["400", "Not JSON, or fails the schema ({ error, issues })"],
      ["401", "No session or token"],
      ["403", "Your role may not do this"],
      ["404", "Not found (or another organisation's)"],
    ].map(([code, description]) => [
      code,
      { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );
  return {
    summary: spec.summary,
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(spec.body, "input") } },
          },
        }
      : {}),
    responses: {
      [String(spec.status ?? 200)]: {
        description: "OK",
        ...(spec.response
          ? { content: { "application/json": { schema: jsonSchema(spec.response, "output") } } }
          : {}),
      },
      ...errors,
    },
  };
}

function objectParameters(schema: z.ZodType | undefined, where: "path" | "query" | "header") {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description } = property as { description?: unknown };
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: property,
    };
  });
}
