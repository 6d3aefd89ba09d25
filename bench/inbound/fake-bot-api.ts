/**
 * A lean fake Telegram Bot API for bench/inbound.ts: real HTTP on 127.0.0.1, the methods both
 * bots call (getMe, sendMessage, answerCallbackQuery, editMessageReplyMarkup, setMyCommands,
 * setWebhook, deleteWebhook), no record kept: each sendMessage is handed to `onSend` with its chat
 * and the callback data of its buttons, which is all the load generator needs.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeBotApi {
  apiRoot: string;
  token: string;
  close(): Promise<void>;
}

type Payload = Record<string, unknown>;
type Keyboard = { inline_keyboard?: { callback_data?: string }[][] };

const BOT = { id: 424242, is_bot: true, first_name: "Bench Bot", username: "bench_bot" };

async function payloadOf(req: IncomingMessage): Promise<Payload> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Payload;
}

function buttonsOf(markup: unknown): string[] {
  const keyboard = (typeof markup === "string" ? JSON.parse(markup) : markup) as Keyboard | undefined;
  return (keyboard?.inline_keyboard ?? []).flat().flatMap((b) => (b.callback_data ? [b.callback_data] : []));
}

export async function startFakeBotApi(
  onSend: (chatId: number, buttons: string[]) => void,
): Promise<FakeBotApi> {
  const token = `${BOT.id}:BENCH-token_for-inbound-abcdefgh`;
  let messageId = 1;
  const message = (p: Payload) => ({
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(p.chat_id), type: "private" },
    from: BOT,
    ...(typeof p.text === "string" ? { text: p.text } : {}),
  });
  const methods: Record<string, (p: Payload) => unknown> = {
    getMe: () => BOT,
    sendMessage: (p) => {
      onSend(Number(p.chat_id), buttonsOf(p.reply_markup));
      return message(p);
    },
    editMessageReplyMarkup: message,
    editMessageText: message,
    answerCallbackQuery: () => true,
    setMyCommands: () => true,
    setWebhook: () => true,
    deleteWebhook: () => true,
  };
  const server = createServer((req, res) => {
    const method = /^\/bot[^/]+\/([A-Za-z]+)$/.exec(req.url ?? "")?.[1] ?? "";
    payloadOf(req)
      .then((payload) => {
        const handler = methods[method];
        const body = handler
          ? { ok: true, result: handler(payload) }
          : { ok: false, error_code: 404, description: "Not Found: method not found" };
        res.writeHead(handler ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body));
      })
      .catch(() => res.writeHead(400).end());
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
