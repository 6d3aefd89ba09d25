/**
 * CloudAdapter.process() writes its answer to an express-style response (`status`, `header`,
 * `send`, `end`); this wraps a fastify reply in one. The body is sent when `end` is called.
 */
import type { FastifyReply } from "fastify";

export interface ExpressStyleResponse {
  /** botbuilder's Response type names it; process() never reads it. */
  socket: unknown;
  status(code: number): ExpressStyleResponse;
  header(name: string, value: unknown): ExpressStyleResponse;
  send(body: unknown): ExpressStyleResponse;
  end(): void;
}

/** The shim; `done` resolves once `end` has sent the reply. */
export function expressStyleResponse(reply: FastifyReply): ExpressStyleResponse {
  let body: unknown;
  const response: ExpressStyleResponse = {
    socket: reply.raw.socket,
    status(code) {
      reply.code(code);
      return response;
    },
    header(name, value) {
      reply.header(name, value);
      return response;
    },
    send(value) {
      body = value;
      return response;
    },
    end() {
      if (reply.sent) return;
      if (body === undefined) void reply.send();
      else void reply.send(typeof body === "object" ? body : { message: String(body) });
    },
  };
  return response;
}
