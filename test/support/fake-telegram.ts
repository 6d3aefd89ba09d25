/**
 * A fake Telegram Bot API on 127.0.0.1 (random port), spoken to over real HTTP. Point grammY at it
 * with `client: { apiRoot }` (or TELEGRAM_API_ROOT). It records every call, answers the methods the
 * bot uses, serves `getUpdates` long polling from `pushUpdate`, fails calls on demand
 * (`failNext`) and can enforce Telegram-like flood limits (answering 429 with retry_after).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";

export interface FakeTelegramOptions {
  /** Defaults to a valid-looking token (it matches the TELEGRAM_BOT_TOKEN pattern). */
  token?: string;
  /** Global limit on send* calls per second (sliding window); off by default. */
  maxMessagesPerSecond?: number;
  /** Per-chat limit on send* calls per `perChatWindowMs` (default a second); off by default. */
  maxPerChatPerSecond?: number;
  /** The per-chat limit's window (ms): 3 in 3,000 is "about one a second, in short bursts". */
  perChatWindowMs?: number;
  /**
   * Limit per second on sends without `allow_paid_broadcast` (Telegram's free 30/s), counted
   * apart from maxMessagesPerSecond, which counts every send; off by default.
   */
  maxUnpaidPerSecond?: number;
  /**
   * Keep only `chat_id` and `allow_paid_broadcast` of each call's payload (a benchmark's tens of
   * thousands of calls: a smaller heap, shorter garbage collections, fewer pauses that would bunch
   * the arrival times the flood limits count). Off by default: tests read whole payloads.
   */
  leanRecord?: boolean;
}

/** One API call as the fake received it. `errorCode` is set when the fake answered with an error. */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  errorCode?: number;
}

/** What `failNext` answers instead of the real result. */
export interface FakeFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

/** An update to push; `update_id` is assigned when missing. */
export type PushedUpdate = Omit<Update, "update_id"> & { update_id?: number };

export interface FakeTelegram {
  /** Base URL to use as grammY's apiRoot. */
  apiRoot: string;
  token: string;
  /** The bot's user id (the number before the colon in the token). */
  botId: number;
  /** Every call, in arrival order (failed ones included). */
  calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** Payloads of sendMessage calls that succeeded. */
  sent(): Record<string, unknown>[];
  /** How many messages sendMessage accepted so far (sent().length, without building the list). */
  sentCount(): number;
  /** The next `times` calls of `method` fail with `failure`. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** From now on, sends to `chatId` fail with 403 (the person blocked the bot). */
  blockChat(chatId: string | number): void;
  /** Queues an update for getUpdates; returns it with its update_id. */
  pushUpdate(update: PushedUpdate): Update;
  /**
   * Resolves with the predicate's first truthy result on the calls, rejects after `timeoutMs`
   * (10 s: a bound on failure only, generous for a busy machine; success returns at once).
   */
  waitFor<T>(
    predicate: (calls: RecordedCall[]) => T | undefined | null | false,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

class ApiFailure {
  readonly failure: FakeFailure;
  constructor(failure: FakeFailure) {
    this.failure = failure;
  }
}

const parseField = (v: unknown) => {
  if (typeof v !== "string" || !/^[[{]/.test(v)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

async function readPayload(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  const out: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (body.length === 0) return out;
  if (type.includes("json")) return { ...out, ...(JSON.parse(body.toString("utf8")) as object) };
  if (type.includes("multipart/form-data")) return { ...out, ...multipart(body, type) };
  const form = new URLSearchParams(body.toString("utf8"));
  for (const [key, value] of form) out[key] = parseField(value);
  return out;
}

/** An uploaded file as the fake records it. */
export interface UploadedFile {
  file: string;
  size: number;
  type: string;
  /** The first bytes, hex (e.g. "4f676753" for OGG). */
  magic: string;
}

/**
 * A multipart body as grammY writes it (unquoted filename, no space after the colons, which
 * undici's FormData refuses), Telegram's way: a field `attach://<name>` is the file part `<name>`.
 */
function multipart(body: Buffer, type: string): Record<string, unknown> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  if (!boundary) throw new Error("no boundary");
  const fields: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  const text = body.toString("latin1");
  for (const part of text.split(`--${boundary}`).slice(1, -1)) {
    const split = part.indexOf("\r\n\r\n");
    const head = part.slice(0, split);
    const content = Buffer.from(part.slice(split + 4, part.length - 2), "latin1");
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) throw new Error("a part without a name");
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (filename === undefined) fields[name] = parseField(content.toString("utf8"));
    else {
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? "";
      const magic = content.subarray(0, 4).toString("hex");
      files[name] = { file: filename, size: content.length, type: contentType, magic };
    }
  }
  for (const [key, value] of Object.entries(fields)) {
    const attached =
      typeof value === "string" && value.startsWith("attach://") ? files[value.slice(9)] : undefined;
    if (attached) fields[key] = attached;
  }
  return fields;
}

/** Starts the fake server. Close it in afterEach/afterAll. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? "123456789:FAKE-token_for-tests-abcdefghij";
  const botId = Number(token.split(":")[0]);
  const calls: RecordedCall[] = [];
  let accepted = 0;
  const failures = new Map<string, { failure: FakeFailure; times: number }[]>();
  const messageIds = new Map<string, number>();
  const pending: Update[] = [];
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  const sentAt: number[] = [];
  const unpaidSentAt: number[] = [];
  const sentAtPerChat = new Map<string, number[]>();
  const blockedChats = new Set<string>();
  /** The file_ids sendVoice handed out, for the voice notes sent again by id. */
  const voiceFiles = new Set<string>();

  const chatOf = (p: Record<string, unknown>) => ({ id: Number(p.chat_id), type: "private" as const });
  const message = (p: Record<string, unknown>, messageId: number) => ({
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    chat: chatOf(p),
    from: { id: botId, is_bot: true, first_name: "Fake Bot", username: "fake_bot" },
    ...(typeof p.text === "string" ? { text: p.text } : {}),
    ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
  });

  /** Sliding windows (a second, or perChatWindowMs); throws a 429 failure when a limit is reached. */
  function enforceFloodLimits(chatId: string, now: number, paid: boolean) {
    const perChat = sentAtPerChat.get(chatId) ?? [];
    sentAtPerChat.set(chatId, perChat);
    for (const [window, limit, ms] of [
      [sentAt, options.maxMessagesPerSecond, 1000],
      [perChat, options.maxPerChatPerSecond, options.perChatWindowMs ?? 1000],
      [unpaidSentAt, paid ? undefined : options.maxUnpaidPerSecond, 1000],
    ] as const) {
      while (window.length > 0 && (window[0] ?? 0) <= now - ms) window.shift();
      if (limit !== undefined && window.length >= limit) {
        const retryAfter = Math.max(1, Math.ceil(((window[0] ?? now) + ms - now) / 1000));
        throw new ApiFailure({ error_code: 429, description: "Too Many Requests", retry_after: retryAfter });
      }
    }
    sentAt.push(now);
    perChat.push(now);
    if (!paid) unpaidSentAt.push(now);
  }

  /** A sent message's id in its chat, after the flood limits and the blocked chats. */
  function nextMessageId(p: Record<string, unknown>): number {
    const chat = String(p.chat_id);
    if (blockedChats.has(chat))
      throw new ApiFailure({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    enforceFloodLimits(chat, Date.now(), p.allow_paid_broadcast === true);
    const id = (messageIds.get(chat) ?? 0) + 1;
    messageIds.set(chat, id);
    return id;
  }

  async function getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    const timeoutMs = Math.max(0, Number(p.timeout ?? 0)) * 1000;
    if (offset > 0) while (pending.length > 0 && (pending[0]?.update_id ?? 0) < offset) pending.shift();
    if (pending.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          req.off("close", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        req.on("close", done);
      });
    }
    return pending.slice(0, limit);
  }

  const methods: Record<string, (p: Record<string, unknown>, req: IncomingMessage) => unknown> = {
    getMe: () => ({ id: botId, is_bot: true, first_name: "Fake Bot", username: "fake_bot" }),
    sendMessage: (p) => message(p, nextMessageId(p)),
    // An upload (multipart, the file as a part) gets a new file_id; a known file_id is sent again.
    sendVoice: (p) => {
      const upload = typeof p.voice === "object" && p.voice !== null;
      if (!upload && !voiceFiles.has(String(p.voice)))
        throw new ApiFailure({ error_code: 400, description: "Bad Request: wrong file identifier" });
      const fileId = upload ? `voice-file-${voiceFiles.size + 1}` : String(p.voice);
      voiceFiles.add(fileId);
      return {
        ...message(p, nextMessageId(p)),
        voice: { file_id: fileId, file_unique_id: fileId, duration: 1 },
      };
    },
    editMessageReplyMarkup: (p) => message(p, Number(p.message_id)),
    editMessageText: (p) => message(p, Number(p.message_id)),
    answerCallbackQuery: () => true,
    sendChatAction: () => true,
    setMyCommands: () => true,
    deleteWebhook: () => true,
    setWebhook: () => true,
    getUpdates,
  };

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const fail = (f: FakeFailure) =>
      reply(f.error_code, {
        ok: false,
        error_code: f.error_code,
        description: f.description,
        ...(f.retry_after === undefined ? {} : { parameters: { retry_after: f.retry_after } }),
      });
    if (!match) return fail({ error_code: 404, description: "Not Found" });
    const [, callToken = "", method = ""] = match;
    let payload: Record<string, unknown>;
    try {
      payload = await readPayload(req, url);
    } catch {
      return fail({ error_code: 400, description: "Bad Request: can't parse request body" });
    }
    const recorded = options.leanRecord
      ? { chat_id: payload.chat_id, allow_paid_broadcast: payload.allow_paid_broadcast }
      : payload;
    const call: RecordedCall = { method, payload: recorded, at: Date.now() };
    calls.push(call);
    try {
      if (callToken !== token) throw new ApiFailure({ error_code: 401, description: "Unauthorized" });
      const handler = methods[method];
      if (!handler) throw new ApiFailure({ error_code: 404, description: "Not Found: method not found" });
      const queued = failures.get(method)?.[0];
      if (queued) {
        if (--queued.times <= 0) failures.get(method)?.shift();
        throw new ApiFailure(queued.failure);
      }
      reply(200, { ok: true, result: await handler(payload, req) });
      if (method === "sendMessage") accepted++;
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      call.errorCode = error.failure.error_code;
      fail(error.failure);
    }
  }

  const server = createServer((req, res) => {
    answer(req, res).catch(() => res.writeHead(500).end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botId,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    sentCount: () => accepted,
    sent: () => calls.filter((c) => c.method === "sendMessage" && !c.errorCode).map((c) => c.payload),
    failNext(method, failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), { failure, times }]);
    },
    blockChat(chatId) {
      blockedChats.add(String(chatId));
    },
    pushUpdate(update) {
      const full = { ...update, update_id: update.update_id ?? nextUpdateId } as Update;
      nextUpdateId = Math.max(nextUpdateId, full.update_id + 1);
      pending.push(full);
      for (const wake of [...waiters]) wake();
      return full;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = predicate(calls);
        if (result) return result;
        if (Date.now() > deadline) throw new Error(`fake Telegram: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const wake of [...waiters]) wake();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** A private-chat text message from user `userId` (chat id = user id), as Telegram would send it. */
export function privateTextUpdate(args: {
  userId: number;
  text: string;
  messageId?: number;
  firstName?: string;
  languageCode?: string;
}): PushedUpdate {
  const from = { id: args.userId, is_bot: false, first_name: args.firstName ?? "Ana" };
  return {
    message: {
      message_id: args.messageId ?? 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: args.userId, type: "private", first_name: from.first_name },
      from: args.languageCode ? { ...from, language_code: args.languageCode } : from,
      text: args.text,
    },
  };
}

/** A tap on an inline button with callback data `data`, on the bot's message `messageId`. */
export function callbackUpdate(args: {
  userId: number;
  data: string;
  messageId?: number;
  callbackId?: string;
}): PushedUpdate {
  const from = { id: args.userId, is_bot: false, first_name: "Ana" };
  return {
    callback_query: {
      id: args.callbackId ?? `cbq-${args.userId}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      from,
      chat_instance: "1",
      data: args.data,
      message: {
        message_id: args.messageId ?? 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: args.userId, type: "private", first_name: "Ana" },
        text: "…",
      },
    },
  };
}
