/**
 * The API's errors, as DESIGN.md's public contract says: 401 without a session or token; 404 (not
 * 403) for anything of another organisation; 403 for what the role may not do; 400 `{ error }` for
 * a body that is not JSON and `{ error, issues }` for one that fails its schema. Anything else the
 * domain refuses (a DomainError) is the caller's to fix: 400 `{ error }`. Only our own outage is 5xx.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import type { z } from "zod";
import { DomainError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { type Logger, loggableError } from "../logger.ts";

/** A request part (path, query, body) that failed its zod schema. */
export class SchemaError extends Error {
  override name = "SchemaError";
  readonly where: string;
  readonly zodError: z.ZodError;
  constructor(where: string, zodError: z.ZodError) {
    super(`the ${where} does not match its schema`);
    this.where = where;
    this.zodError = zodError;
  }
}

/** Installs the error and not-found handlers of the API scope. */
export function installApiErrors(scope: FastifyInstance, logger: Logger): void {
  scope.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: "no such route" }));
  scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof SchemaError)
      return reply.code(400).send({
        error: error.message,
        issues: error.zodError.issues.map((issue) => ({
          path: issue.path.map(String),
          message: issue.message,
          code: issue.code,
        })),
      });
    if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message });
    if (error instanceof ForbiddenError) return reply.code(403).send({ error: error.message });
    if (error instanceof DomainError) return reply.code(400).send({ error: error.message });
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 400) return reply.code(400).send({ error: "the body is not JSON" });
    if (status < 500) return reply.code(status).send({ error: error.message });
    logger.error({ err: loggableError(error), route: request.routeOptions.url }, "api request failed");
    return reply.code(500).send({ error: "server error" });
  });
}
