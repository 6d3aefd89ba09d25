import fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { InboundMessage } from "../../../src/channels/types.ts";
import { registerWebchat } from "../../../src/channels/webchat/webchat-routes.ts";
import type { WebchatMessage } from "../../../src/channels/webchat/webchat-transcript.ts";
import { createLogger } from "../../../src/logger.ts";
import { testDb, uid } from "../../support/db.ts";
import { standInCore } from "./stand-in-core.ts";
import { standInTranslator } from "./stand-in-translator.ts";

const db = testDb();
const core = standInCore(db);
let app: FastifyInstance;
let failing: FastifyInstance;

/** A message id as the page makes them (24 base64url characters). */
const newId = () => `${uid()}${uid()}`;

/** A session issued by the server, as the page gets one. */
async function newSession(on: FastifyInstance = app): Promise<string> {
  const response = await on.inject({ method: "POST", url: "/chat/api/sessions" });
  expect(response.statusCode).toBe(201);
  return response.json().sessionId;
}

beforeAll(async () => {
  const options = { db, translator: standInTranslator(), logger: createLogger("silent") };
  app = fastify();
  registerWebchat(app, { ...options, onInbound: core.handle });
  failing = fastify();
  registerWebchat(failing, {
    ...options,
    onInbound: async () => {
      throw new Error("database exploded at row 42 with secret detail");
    },
  });
  await Promise.all([app.ready(), failing.ready()]);
});

afterAll(async () => {
  await Promise.all([app.close(), failing.close()]);
  await db.$disconnect();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: "POST", url: "/chat/api/messages", payload: body as object, headers });
}

describe("POST /chat/api/messages rejects bad input with 400 { error }", () => {
  let sessionId = "";
  beforeAll(async () => {
    sessionId = await newSession();
  });
  const S = "(the session)";
  const cases: [string, unknown, RegExp][] = [
    ["missing sessionId", { messageId: newId(), text: "hi" }, /sessionId/],
    ["a short sessionId", { sessionId: "abc", messageId: newId(), text: "hi" }, /sessionId/],
    [
      "odd characters in sessionId",
      { sessionId: "a/b".repeat(8), messageId: newId(), text: "hi" },
      /sessionId/,
    ],
    ["missing messageId", { sessionId: S, text: "hi" }, /messageId/],
    [
      "both text and choiceId",
      { sessionId: S, messageId: newId(), text: "hi", choiceId: "lang:en" },
      /exactly one/,
    ],
    ["neither text nor choiceId", { sessionId: S, messageId: newId() }, /exactly one/],
    ["overlong text", { sessionId: S, messageId: newId(), text: "a".repeat(2001) }, /2000/],
    ["empty text", { sessionId: S, messageId: newId(), text: "   " }, /empty/],
    ["a bad after", { sessionId: S, messageId: newId(), text: "hi", after: "-1" }, /after/],
    ["an array", [1, 2], /JSON object/],
  ];
  test.each(cases)("%s", async (_name, template, error) => {
    const before = core.received.length;
    const body = JSON.parse(JSON.stringify(template).replaceAll(S, sessionId));
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(error);
    expect(core.received.length).toBe(before);
  });

  test("malformed JSON", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/chat/api/messages",
      payload: '{"sessionId": ',
      headers: { "content-type": "application/json" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: "the body must be valid JSON" });
  });

  test("2000 characters is still fine", async () => {
    const response = await post({
      sessionId: await newSession(),
      messageId: newId(),
      text: "a".repeat(2000),
    });
    expect(response.statusCode).toBe(200);
  });
});

describe("a conversation through the API", () => {
  let sessionId = "";
  let first: WebchatMessage;
  beforeAll(async () => {
    sessionId = await newSession();
  });

  test("a valid POST hands the core the right InboundMessage and answers with its reply", async () => {
    const messageId = newId();
    const response = await post(
      { sessionId, messageId, text: "/start abc123" },
      { "accept-language": "ar-MA,ar;q=0.9,en;q=0.5" },
    );
    expect(response.statusCode).toBe(200);
    const handed = core.received.at(-1) as InboundMessage;
    expect(handed).toEqual({
      channel: "webchat",
      externalUserId: sessionId,
      externalConversationId: sessionId,
      externalMessageId: `${sessionId}:${messageId}`,
      text: "/start abc123",
      localeHint: "ar-MA",
      receivedAt: expect.any(Date),
    });
    expect(handed).not.toHaveProperty("choiceId");

    const { messages } = response.json() as { messages: WebchatMessage[] };
    expect(messages).toHaveLength(1);
    first = messages[0] as WebchatMessage;
    expect(first).toEqual({
      id: expect.stringMatching(/^\d+$/),
      text: "Hello! 👋\nI help you find work.\nWhich language do you speak?",
      choices: [
        { id: "lang:en", label: "🇬🇧 English" },
        { id: "lang:ar", label: "🇸🇦 العربية" },
      ],
      locale: "en",
      direction: "ltr",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  test("a choice goes to the core as choiceId; `after` keeps out what the page has", async () => {
    const response = await post({ sessionId, messageId: newId(), choiceId: "lang:ar", after: first.id });
    expect(response.statusCode).toBe(200);
    expect(core.received.at(-1)).toMatchObject({ choiceId: "lang:ar", localeHint: undefined });
    expect(core.received.at(-1)).not.toHaveProperty("text");
    const { messages } = response.json() as { messages: WebchatMessage[] };
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ locale: "ar", direction: "rtl", text: "مرحبا! 👋\nهل تبحث عن عمل؟" });
    expect(BigInt(messages[0]?.id ?? 0)).toBeGreaterThan(BigInt(first.id));
  });

  test("a retried POST (same messageId) reaches the core with the same id and adds nothing", async () => {
    const messageId = newId();
    await post({ sessionId, messageId, text: "hello" });
    const retry = await post({ sessionId, messageId, text: "hello" });
    expect(retry.statusCode).toBe(200);
    expect(core.received.at(-1)?.externalMessageId).toBe(`${sessionId}:${messageId}`);
    expect(core.received.at(-2)?.externalMessageId).toBe(`${sessionId}:${messageId}`);
    const all = (retry.json() as { messages: WebchatMessage[] }).messages;
    expect(all.map((m) => m.text)).toEqual([
      first.text,
      "مرحبا! 👋\nهل تبحث عن عمل؟",
      "شكرا! 🙏 سيتصل بك مرشدك.",
    ]);
  });

  test("GET lists only sent outbound messages, after `after`", async () => {
    const conversation = await db.conversation.findUniqueOrThrow({
      where: { channel_externalConversationId: { channel: "webchat", externalConversationId: sessionId } },
    });
    await db.message.createMany({
      data: [
        {
          conversationId: conversation.id,
          direction: "outbound",
          idempotencyKey: `q:${uid()}`,
          text: "queued",
          status: "queued",
        },
        {
          conversationId: conversation.id,
          direction: "outbound",
          idempotencyKey: `f:${uid()}`,
          text: "failed",
          status: "failed",
        },
        {
          conversationId: conversation.id,
          direction: "inbound",
          idempotencyKey: `i:${uid()}`,
          text: "mine",
          status: "received",
        },
      ],
    });
    const all = await app.inject({ url: `/chat/api/messages?sessionId=${sessionId}` });
    expect(all.statusCode).toBe(200);
    const texts = (all.json() as { messages: WebchatMessage[] }).messages.map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts).not.toContain("queued");
    expect(texts).not.toContain("mine");

    const later = await app.inject({ url: `/chat/api/messages?sessionId=${sessionId}&after=${first.id}` });
    expect((later.json() as { messages: WebchatMessage[] }).messages).toHaveLength(2);
  });

  test("a nudge stored later shows up on the next GET, with a direction even if the payload lacks one", async () => {
    const conversation = await db.conversation.findUniqueOrThrow({
      where: { channel_externalConversationId: { channel: "webchat", externalConversationId: sessionId } },
    });
    const nudge = await db.message.create({
      data: {
        conversationId: conversation.id,
        direction: "outbound",
        idempotencyKey: `nudge:${uid()}`,
        text: "تذكير: موعدك غدا",
        payload: { locale: "ar" },
        status: "sent",
      },
    });
    const response = await app.inject({
      url: `/chat/api/messages?sessionId=${sessionId}&after=${nudge.id - 1n}`,
    });
    expect(response.json()).toMatchObject({
      messages: [
        {
          id: nudge.id.toString(),
          text: "تذكير: موعدك غدا",
          choices: [],
          locale: "ar",
          direction: "rtl",
          createdAt: nudge.createdAt.toISOString(),
        },
      ],
    });
  });
});

describe("GET /chat/api/messages", () => {
  test("a new session has no messages", async () => {
    const response = await app.inject({ url: `/chat/api/messages?sessionId=${await newSession()}&after=0` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ messages: [], client: [], live: [] });
  });

  test("a missing or bad sessionId is a 400", async () => {
    for (const url of [
      "/chat/api/messages",
      "/chat/api/messages?sessionId=short",
      `/chat/api/messages?sessionId=${newId()}&after=x`,
    ]) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: expect.any(String) });
    }
  });
});

test("a core that throws gives 503 { error } without the details", async () => {
  const response = await failing.inject({
    method: "POST",
    url: "/chat/api/messages",
    payload: { sessionId: await newSession(failing), messageId: newId(), text: "hi" },
  });
  expect(response.statusCode).toBe(503);
  expect(Object.keys(response.json())).toEqual(["error"]);
  expect(response.body).not.toMatch(/exploded|secret|42/);
});

describe("failure logs carry no client text (pg's detail holds the failing row)", () => {
  const logLines: string[] = [];
  const apps: FastifyInstance[] = [];
  /** A Postgres error as pg throws it: the row, message text included, in `detail`. */
  const pgError = () =>
    Object.assign(new Error('null value in column "x" violates not-null constraint'), {
      code: "23502",
      detail: "Failing row contains (7, Te rog ajută-mă, sunt singur).",
    });
  /** A web chat whose core fails with pgError, on `store` (default the test database). */
  async function loggingApp(store = db): Promise<FastifyInstance> {
    const logged = fastify();
    apps.push(logged);
    registerWebchat(logged, {
      db: store,
      translator: standInTranslator(),
      logger: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
      onInbound: async () => {
        throw pgError();
      },
    });
    await logged.ready();
    return logged;
  }
  afterAll(() => Promise.all(apps.map((a) => a.close())));
  const logLine = (message: string) => logLines.find((line) => line.includes(message)) ?? "";

  test("a request that fails in the store", async () => {
    const conversations = new Proxy(db.conversation, {
      get: (target, key) =>
        key === "findUnique" ? () => Promise.reject(pgError()) : Reflect.get(target, key, target),
    });
    const store = new Proxy(db, {
      get: (target, key) => (key === "conversation" ? conversations : Reflect.get(target, key, target)),
    });
    const logged = await loggingApp(store);
    const response = await logged.inject({ url: `/chat/api/messages?sessionId=${"A".repeat(43)}&after=0` });
    expect(response.statusCode).toBe(503);
    expect(logLine("webchat request failed")).toContain("not-null constraint");
    expect(logLine("webchat request failed")).not.toMatch(/Failing row|Te rog/);
  });

  test("a message the core fails on", async () => {
    const logged = await loggingApp();
    const response = await logged.inject({
      method: "POST",
      url: "/chat/api/messages",
      payload: { sessionId: await newSession(logged), messageId: newId(), text: "Te rog" },
    });
    expect(response.statusCode).toBe(503);
    expect(logLine("webchat inbound failed")).toContain("not-null constraint");
    expect(logLine("webchat inbound failed")).not.toMatch(/Failing row|Te rog/);
  });
});

describe("GET /chat", () => {
  test("serves one self-contained page with every locale's webchat strings", async () => {
    const response = await app.inject({ url: "/chat", headers: { "accept-language": "en-GB,en;q=0.8" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    const html = response.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en" dir="ltr">/);
    expect(html).toContain("<title>Chat</title>");
    expect(html).toContain('placeholder="Type a message…"');
    expect(html).toContain("محادثة جديدة");
    expect(html).not.toMatch(/\b(src|href)="(?!data:|\/chat\/webchat\.js")/);
    expect(html).not.toContain("innerHTML");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html).toContain(`<script nonce="${nonce}" src="/chat/webchat.js"></script>`);
  });

  test("opens in Arabic, right to left, for an Arabic browser", async () => {
    const response = await app.inject({ url: "/chat", headers: { "accept-language": "ar" } });
    expect(response.body).toMatch(/<html lang="ar" dir="rtl">/);
    expect(response.body).toContain("<title>محادثة</title>");
  });
});

describe("sessions are the server's (issue 12, defect 6)", () => {
  test("an issued session is 256 random bits and has its conversation row", async () => {
    const [a, b] = [await newSession(), await newSession()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const row = await db.conversation.findUnique({
      where: { channel_externalConversationId: { channel: "webchat", externalConversationId: a } },
    });
    expect(row).not.toBeNull();
  });

  test("a made-up session id is refused (401), reading and writing", async () => {
    for (const made of ["aaaaaaaaaaaaaaaa", newId(), "a".repeat(43)]) {
      const before = core.received.length;
      const write = await post({ sessionId: made, messageId: newId(), text: "hi" });
      expect(write.statusCode).toBe(401);
      expect(core.received.length).toBe(before);
      const read = await app.inject({ url: `/chat/api/messages?sessionId=${made}&after=0` });
      expect(read.statusCode).toBe(401);
    }
  });

  test("two sessions may use the same messageId: both messages reach the core", async () => {
    const messageId = newId();
    const [a, b] = [await newSession(), await newSession()];
    expect((await post({ sessionId: a, messageId, text: "/start" })).json().messages).toHaveLength(1);
    expect((await post({ sessionId: b, messageId, text: "/start" })).json().messages).toHaveLength(1);
  });

  test("`after` beyond any message id is a 400, not a 500", async () => {
    const sessionId = await newSession();
    for (const after of ["9999999999999999999", "99999999999999999", "1e5", "-0"]) {
      const read = await app.inject({ url: `/chat/api/messages?sessionId=${sessionId}&after=${after}` });
      expect(read.statusCode, after).toBe(400);
      const write = await post({ sessionId, messageId: newId(), text: "hi", after });
      expect(write.statusCode, after).toBe(400);
    }
  });

  test("NUL and lone surrogates in text and choiceId are removed at the door", async () => {
    const sessionId = await newSession();
    for (const body of [{ text: "/start a\u0000" }, { text: "x\ud800" }, { choiceId: "lang:\u0000en" }]) {
      const response = await post({ sessionId, messageId: newId(), ...body });
      expect(response.statusCode, JSON.stringify(body)).toBe(200);
    }
    expect(core.received.at(-3)?.text).toBe("/start a");
    expect(core.received.at(-2)?.text).toBe("x\ufffd");
    expect(core.received.at(-1)?.choiceId).toBe("lang:en");
  });
});

describe("rate limits (issue 12, defect 6)", () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = fastify();
    registerWebchat(limited, {
      db,
      translator: standInTranslator(),
      logger: createLogger("silent"),
      onInbound: core.handle,
      limits: { sessionsPerAddress: 3, messagesPerSession: 2 },
    });
    await limited.ready();
  });
  afterAll(() => limited?.close());

  test("new sessions per address, messages per session", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await limited.inject({ method: "POST", url: "/chat/api/sessions" })).statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const tooMany = await limited.inject({ method: "POST", url: "/chat/api/sessions" });
    expect(tooMany.json()).toEqual({ error: expect.stringMatching(/too many/) });

    const other = await limited.inject({
      method: "POST",
      url: "/chat/api/sessions",
      remoteAddress: "10.0.0.7",
    });
    const sessionId = other.json().sessionId;
    const send = () =>
      limited.inject({
        method: "POST",
        url: "/chat/api/messages",
        payload: { sessionId, messageId: newId(), text: "hi" },
        remoteAddress: "10.0.0.7",
      });
    expect([(await send()).statusCode, (await send()).statusCode, (await send()).statusCode]).toEqual([
      200, 200, 429,
    ]);
  });
});

test("GET /chat/webchat.js serves the page's script as JavaScript", async () => {
  const response = await app.inject({ url: "/chat/webchat.js" });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
  expect(response.body).toContain("/api/sessions");
  expect(response.body).not.toMatch(/\.innerHTML\b/);
});
