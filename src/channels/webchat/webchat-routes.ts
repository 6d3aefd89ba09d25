/**
 * The local web chat over HTTP: the page at `GET /chat` (its script at `GET /chat/webchat.js`),
 * and a small JSON API the page talks to. The route needs only the database (to issue sessions and
 * read the bot's stored replies) and an InboundHandler (the conversation core); the replies reach
 * the page because the core stores them and marks them sent through the web chat sender
 * (webchat-sender.ts), and the page reads them back.
 *
 * - `POST /chat/api/sessions` issues a session (webchat-sessions.ts): `201 { sessionId }`.
 * - `POST /chat/api/messages` `{ sessionId, messageId, text? | choiceId?, tappedId?, after? }` hands
 *   one message to the core, waits for it, and answers `{ messages, client, live }`: the bot's
 *   messages after `after`, the person's own, and the ids of bot messages whose buttons are still
 *   live (webchat-live.ts); `{ erased: true }` when the message erased the session (/delete).
 * - `GET /chat/api/messages?sessionId=…&after=…` answers the same (for messages sent later, and
 *   the whole transcript after a reload with `after=0`).
 *
 * A session the server did not issue is a 401. Requests are rate-limited per IP address and per
 * session (webchat-limits.ts); while Postgres or Redis is down the API answers 503 at once.
 */
import { randomBytes } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import type { Translator } from "../../i18n/translator.ts";
import { type Logger, loggableError } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";
import type { InboundHandler, InboundMessage } from "../types.ts";
import { registerWebchatLimits, type WebchatLimits } from "./webchat-limits.ts";
import { type IsFlowStep, transcriptExtras } from "./webchat-live.ts";
import {
  chatPageCsp,
  renderChatPage,
  WEBCHAT_SCRIPT,
  WEBCHAT_SCRIPT_PATH,
  webchatStringsByLocale,
} from "./webchat-page.ts";
import { describeIssue, firstLanguageTag, listMessagesQuery, postMessageBody } from "./webchat-requests.ts";
import { issueSession, sessionExists } from "./webchat-sessions.ts";
import { listSentMessages, TRANSCRIPT_PAGE_SIZE, tappedMessageId } from "./webchat-transcript.ts";
import { registerWebchatVoice } from "./webchat-voice.ts";

/** What the web chat routes need. */
export interface WebchatOptions {
  db: Db;
  /** The conversation core; it stores the bot's replies before it resolves (or later, as nudges). */
  onInbound: InboundHandler;
  /** For the page's own strings (`webchat.*`) and the language it opens in. */
  translator: Translator;
  logger: Logger;
  /** False while Postgres or Redis is down: the API answers 503 at once. */
  ready?: () => boolean;
  /** Where the rate-limit counters live (shared by every instance); without it, in memory. */
  redis?: Redis;
  /** Key prefix of the counters in Redis (QUEUE_PREFIX). */
  prefix?: string;
  /** Overrides of DEFAULT_WEBCHAT_LIMITS. */
  limits?: Partial<WebchatLimits>;
  /** Whether a step id names a flow question (tells flow buttons from others, see webchat-live.ts). */
  isFlowStep?: IsFlowStep;
}

/** Largest request body the API accepts (a 2000-character message fits many times over). */
const BODY_LIMIT = 16 * 1024;

function badRequest(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(400).send({ error });
}

function unknownSession(reply: FastifyReply): FastifyReply {
  return reply.code(401).send({ error: "unknown session; ask POST /chat/api/sessions for a new one" });
}

/** Registers `GET /chat`, `/chat/webchat.js` and the `/chat/api/*` routes on `app`. */
export function registerWebchat(app: FastifyInstance, options: WebchatOptions): void {
  const { db, translator, logger } = options;
  const ready = options.ready ?? (() => true);
  const strings = webchatStringsByLocale(translator);
  /** The bot's messages after `after`, the person's, and which buttons are still live. */
  const transcript = async (sessionId: string, after: bigint) => {
    const messages = await listSentMessages(db, sessionId, after);
    const full = messages.length >= TRANSCRIPT_PAGE_SIZE;
    const until = full ? BigInt(messages.at(-1)?.id ?? "0") : undefined;
    const extras = await transcriptExtras(db, sessionId, after, {
      ...(until !== undefined ? { until } : {}),
      ...(options.isFlowStep ? { isFlowStep: options.isFlowStep } : {}),
    });
    return { messages, ...extras };
  };

  app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 500)
        logger.error({ err: loggableError(error), channel: "webchat" }, "webchat request failed");
      // Ours failed (a store went away mid-request): the page tries again later.
      reply.code(status >= 500 ? 503 : status).send({
        error: status === 400 ? "the body must be valid JSON" : status < 500 ? error.message : "server error",
      });
    });
    scope.addHook("onRequest", async (request, reply) => {
      if (request.url.startsWith("/chat/api/") && !ready()) {
        return reply.code(503).send({ error: "not ready; try again in a moment" });
      }
    });
    const limits = await registerWebchatLimits(scope, options);
    registerWebchatVoice(scope, db, limits.perAddress);

    scope.get("/chat", async (request, reply) => {
      const locale = translator.matchLocale(firstLanguageTag(request.headers["accept-language"])) ?? "en";
      const nonce = randomBytes(16).toString("base64");
      return reply
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", chatPageCsp(nonce))
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .header("x-content-type-options", "nosniff")
        .send(renderChatPage({ strings, locale, direction: translator.dir(locale), nonce }));
    });

    scope.get(WEBCHAT_SCRIPT_PATH, async (_request, reply) =>
      reply
        .header("content-type", "text/javascript; charset=utf-8")
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .send(WEBCHAT_SCRIPT),
    );

    scope.post("/chat/api/sessions", { onRequest: limits.newSession }, async (_request, reply) => {
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ sessionId: await issueSession(db) });
    });

    scope.get("/chat/api/messages", { onRequest: limits.perAddress }, async (request, reply) => {
      const query = listMessagesQuery.safeParse(request.query);
      if (!query.success) return badRequest(reply, describeIssue(query.error));
      if (!(await sessionExists(db, query.data.sessionId))) return unknownSession(reply);
      const { sessionId, after } = query.data;
      return reply.header("cache-control", "no-store").send(await transcript(sessionId, after));
    });

    scope.post(
      "/chat/api/messages",
      { bodyLimit: BODY_LIMIT, onRequest: limits.perAddress, preHandler: limits.perSession },
      async (request, reply) => {
        const body = postMessageBody.safeParse(request.body);
        if (!body.success) return badRequest(reply, describeIssue(body.error));
        const { sessionId, messageId, text, choiceId, after, tappedId } = body.data;
        if (!(await sessionExists(db, sessionId))) return unknownSession(reply);
        const tapped =
          choiceId && tappedId ? await tappedMessageId(db, sessionId, BigInt(tappedId)) : undefined;
        const inbound: InboundMessage = {
          channel: "webchat",
          externalUserId: sessionId,
          externalConversationId: sessionId,
          // The page makes message ids; scoped to the session, another session's ids never collide.
          externalMessageId: `${sessionId}:${messageId}`,
          ...(text !== undefined ? { text } : {}),
          ...(choiceId !== undefined ? { choiceId } : {}),
          ...(tapped ? { tappedMessageId: tapped } : {}),
          localeHint: firstLanguageTag(request.headers["accept-language"]),
          receivedAt: new Date(),
        };
        try {
          await options.onInbound(inbound);
        } catch (err) {
          logger.error({ err: loggableError(err), channel: "webchat" }, "webchat inbound failed");
          return reply.code(503).send({ error: "the message could not be handled; please try again" });
        }
        // Erased by this very message (/delete): the page says what went, and offers a new chat.
        if (!(await sessionExists(db, sessionId))) {
          return reply
            .header("cache-control", "no-store")
            .send({ messages: [], client: [], live: [], erased: true });
        }
        return reply.header("cache-control", "no-store").send(await transcript(sessionId, after));
      },
    );
  });
}
