/**
 * Rate limits of the web chat API (@fastify/rate-limit; counters in Redis when given, so every
 * instance shares them): new sessions per IP address, API requests per IP address, messages per
 * session. Generous enough for a reception centre's shared address, far below a script's pace
 * (the attack in issue 12 made 300 sessions in 3.6 s). Over a limit: 429 `{ error }`.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { Redis } from "ioredis";

export interface WebchatLimits {
  /** New sessions (`POST /chat/api/sessions`) per IP address per minute. Default 30. */
  sessionsPerAddress: number;
  /** API requests (both message routes) per IP address per minute. Default 600. */
  requestsPerAddress: number;
  /** Messages (`POST /chat/api/messages`) per session per minute. Default 30. */
  messagesPerSession: number;
}

export const DEFAULT_WEBCHAT_LIMITS: WebchatLimits = {
  sessionsPerAddress: 30,
  requestsPerAddress: 600,
  messagesPerSession: 30,
};

export interface WebchatLimitHooks {
  newSession: preHandlerAsyncHookHandler;
  perAddress: preHandlerAsyncHookHandler;
  perSession: preHandlerAsyncHookHandler;
}

const tooMany = () =>
  Object.assign(new Error("too many requests; try again in a minute"), { statusCode: 429 });

/** Registers the plugin in `scope` (not globally) and returns one hook per limit. */
export async function registerWebchatLimits(
  scope: FastifyInstance,
  options: { redis?: Redis; prefix?: string; limits?: Partial<WebchatLimits> },
): Promise<WebchatLimitHooks> {
  const limits = { ...DEFAULT_WEBCHAT_LIMITS, ...options.limits };
  await scope.register(rateLimit, {
    global: false,
    ...(options.redis ? { redis: options.redis } : {}),
    nameSpace: `${options.prefix ?? "ceb"}:webchat-rate:`,
    // A Redis error lets the request through: the readiness gate answers 503 during outages.
    skipOnError: true,
  });
  // One check per limit (the plugin's own route hook runs once per request, and we need two).
  const limit = (max: number, key: (request: FastifyRequest) => string): preHandlerAsyncHookHandler => {
    const check = scope.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key });
    return async (request, reply) => {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header("retry-after", String(result.ttlInSeconds));
      throw tooMany();
    };
  };
  const sessionOf = (request: FastifyRequest) => {
    const body = request.body as { sessionId?: unknown } | undefined;
    return typeof body?.sessionId === "string" ? body.sessionId.slice(0, 64) : `ip:${request.ip}`;
  };
  return {
    newSession: limit(limits.sessionsPerAddress, (request) => `new:${request.ip}`),
    perAddress: limit(limits.requestsPerAddress, (request) => `ip:${request.ip}`),
    perSession: limit(limits.messagesPerSession, (request) => `session:${sessionOf(request)}`),
  };
}
