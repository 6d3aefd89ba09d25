/**
 * The local web chat over HTTP: the page at `GET /chat`, and a small JSON API the page talks to.
 * The route needs only the database (to read the bot's stored replies) and an InboundHandler (the
 * conversation core); the replies reach the page because the core stores them and marks them sent
 * through the web chat sender (webchat-sender.ts), and the page reads them back.
 *
 * - `POST /chat/api/messages` `{ sessionId, messageId, text? | choiceId?, after? }` hands one message
 *   to the core, waits for it, and answers `{ messages }`: the bot's messages after `after`.
 * - `GET /chat/api/messages?sessionId=…&after=…` answers the same list (for messages sent later).
 */
import { randomBytes } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";
import type { InboundHandler, InboundMessage } from "../types.ts";
import { chatPageCsp, renderChatPage, webchatStringsByLocale } from "./webchat-page.ts";
import { describeIssue, firstLanguageTag, listMessagesQuery, postMessageBody } from "./webchat-requests.ts";
import { listSentMessages } from "./webchat-transcript.ts";

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
}

/** Largest request body the API accepts (a 2000-character message fits many times over). */
const BODY_LIMIT = 16 * 1024;

function badRequest(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(400).send({ error });
}

/** Registers `GET /chat` and `/chat/api/messages` (GET, POST) on `app`. */
export function registerWebchat(app: FastifyInstance, options: WebchatOptions): void {
  const { db, onInbound, translator, logger } = options;
  const ready = options.ready ?? (() => true);
  const strings = webchatStringsByLocale(translator);

  app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 500) logger.error({ err: error, channel: "webchat" }, "webchat request failed");
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

    scope.get("/chat/api/messages", async (request, reply) => {
      const query = listMessagesQuery.safeParse(request.query);
      if (!query.success) return badRequest(reply, describeIssue(query.error));
      const messages = await listSentMessages(db, query.data.sessionId, query.data.after);
      return reply.header("cache-control", "no-store").send({ messages });
    });

    scope.post("/chat/api/messages", { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const body = postMessageBody.safeParse(request.body);
      if (!body.success) return badRequest(reply, describeIssue(body.error));
      const { sessionId, messageId, text, choiceId, after } = body.data;
      const inbound: InboundMessage = {
        channel: "webchat",
        externalUserId: sessionId,
        externalConversationId: sessionId,
        externalMessageId: messageId,
        ...(text !== undefined ? { text } : {}),
        ...(choiceId !== undefined ? { choiceId } : {}),
        localeHint: firstLanguageTag(request.headers["accept-language"]),
        receivedAt: new Date(),
      };
      try {
        await onInbound(inbound);
      } catch (err) {
        logger.error({ err, channel: "webchat", externalMessageId: messageId }, "webchat inbound failed");
        return reply.code(503).send({ error: "the message could not be handled; please try again" });
      }
      const messages = await listSentMessages(db, sessionId, after);
      return reply.header("cache-control", "no-store").send({ messages });
    });
  });
}
