/**
 * The baseline of bench/inbound.ts: a bare grammY bot behind a webhook (node:http and grammY's
 * own webhookCallback, secret token checked), answering every text with the same text and every
 * tap with answerCallbackQuery and a message naming the button. No database, no flows. Started
 * by the bench as a child process (with bench/inbound/probe.ts), on PORT, against
 * TELEGRAM_API_ROOT.
 */
import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const bot = new Bot(env("TELEGRAM_BOT_TOKEN"), { client: { apiRoot: env("TELEGRAM_API_ROOT") } });
bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
bot.on("callback_query:data", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(`You tapped ${ctx.callbackQuery.data}`);
});

await bot.init();
const handle = webhookCallback(bot, "http", { secretToken: env("TELEGRAM_WEBHOOK_SECRET") });
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/readyz") return void res.end("ok");
  if (req.method === "POST" && req.url === "/telegram/webhook") return void handle(req, res);
  res.writeHead(404).end();
});
server.keepAliveTimeout = 30_000;
server.listen(Number(env("PORT")), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
