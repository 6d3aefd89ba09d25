/**
 * The web chat page in headless Chromium on a phone-sized screen, against the real routes, the
 * test database and the stand-in core. Leaves a screenshot at /tmp/webchat.png.
 */
import fastify, { type FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { registerWebchat } from "../../../src/channels/webchat/webchat-routes.ts";
import { createLogger } from "../../../src/logger.ts";
import { launchChromium, phonePage } from "../../support/chromium.ts";
import { testDb } from "../../support/db.ts";
import { standInCore } from "./stand-in-core.ts";
import { standInTranslator } from "./stand-in-translator.ts";

/** The first answer includes Chromium's and the database's cold start. */
const WAIT = { timeout: 10_000 };

const db = testDb();
const core = standInCore(db);
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = fastify();
  registerWebchat(app, {
    db,
    onInbound: core.handle,
    translator: standInTranslator(),
    logger: createLogger("silent"),
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db.$disconnect();
});

const phone = (): Promise<Page> => phonePage(browser, "en-GB");

test("a client starts from an invite link, taps choices, switches to Arabic and types", async () => {
  const page = await phone();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${base}/chat?start=abc123`);

  const bot = page.locator("li.bubble.bot");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  await expect.poll(() => bot.first().textContent(), WAIT).toContain("Which language do you speak?");
  const session = core.received.at(-1);
  expect(session?.text).toBe("/start abc123");
  // The session was issued by the server (43 characters, with its conversation row).
  expect(session?.externalUserId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await page.evaluate(() => localStorage.getItem("webchat.session"))).toBe(session?.externalUserId);
  expect(page.url()).toBe(`${base}/chat`);

  const choices = bot.first().locator(".choices button");
  expect(await choices.allTextContents()).toEqual(["🇬🇧 English", "🇸🇦 العربية"]);
  await choices.nth(1).tap();

  await expect.poll(() => bot.count(), WAIT).toBe(2);
  expect(core.received.at(-1)).toMatchObject({
    choiceId: "lang:ar",
    externalUserId: session?.externalUserId,
  });
  expect(await page.locator("li.bubble.mine").last().textContent()).toBe("🇸🇦 العربية");
  expect(await choices.evaluateAll((els) => els.map((el) => (el as HTMLButtonElement).disabled))).toEqual([
    true,
    true,
  ]);
  const arabic = bot.nth(1);
  expect(await arabic.getAttribute("dir")).toBe("rtl");
  expect(await arabic.textContent()).toContain("هل تبحث عن عمل؟");
  expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
  expect(await page.locator("html").getAttribute("lang")).toBe("ar");
  expect(await page.locator("#send-label").textContent()).toBe("إرسال");
  expect(await page.title()).toBe("محادثة");

  await page.locator("#text").fill("أنا أبحث عن عمل في المطبخ\nمن فضلك");
  await page.locator("#send").tap();
  await expect.poll(() => bot.count(), WAIT).toBe(3);
  expect(core.received.at(-1)?.text).toBe("أنا أبحث عن عمل في المطبخ\nمن فضلك");
  expect(await page.locator("li.bubble.mine").last().textContent()).toBe(
    "أنا أبحث عن عمل في المطبخ\nمن فضلك",
  );
  expect(await page.locator("#text").inputValue()).toBe("");

  await page.screenshot({ path: "/tmp/webchat.png" });

  // Reloading shows the same conversation again: the session id stays in localStorage.
  const received = core.received.length;
  await page.reload();
  await expect.poll(() => bot.count(), WAIT).toBe(3);
  expect(core.received.length).toBe(received);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("a nudge stored later appears by polling; New chat starts a fresh session", async () => {
  const page = await phone();
  await page.goto(`${base}/chat`);
  const bot = page.locator("li.bubble.bot");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  const first = core.received.at(-1);
  expect(first?.text).toBe("/start");

  const conversation = await db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: {
        channel: "webchat",
        externalConversationId: first?.externalConversationId ?? "",
      },
    },
  });
  await db.message.create({
    data: {
      conversationId: conversation.id,
      direction: "outbound",
      idempotencyKey: `nudge:${first?.externalMessageId}`,
      text: "⏰ Reminder: your appointment is tomorrow at 10:00.",
      payload: {
        locale: "en",
        direction: "ltr",
        choices: [
          { id: "map:a1", label: "🗺️ Map", url: "https://www.openstreetmap.org/search?query=Rue%201" },
          { id: "map:a2", label: "🗺️ Not ours", url: "javascript:alert(1)" },
        ],
      },
      status: "sent",
    },
  });
  await expect.poll(() => bot.count(), WAIT).toBe(2);
  expect(await bot.nth(1).textContent()).toContain("Reminder");
  // The map is a link that opens the map; only an https address becomes one.
  const links = bot.nth(1).locator("a.choice-link");
  expect(await links.count()).toBe(1);
  expect(await links.getAttribute("href")).toBe("https://www.openstreetmap.org/search?query=Rue%201");
  expect(await links.textContent()).toBe("🗺️ Map");

  // New chat asks first; "yes" starts over as a new person.
  await page.locator("#new-chat").tap();
  expect(await page.locator("#confirm-new").isVisible()).toBe(true);
  expect(core.received.at(-1)?.externalUserId).toBe(first?.externalUserId);
  await page.locator("#confirm-yes").tap();
  await expect.poll(() => core.received.at(-1)?.externalUserId, WAIT).not.toBe(first?.externalUserId);
  expect(core.received.at(-1)?.text).toBe("/start");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  await page.context().close();
});

test("a session the server does not know (made up, or erased) is replaced by a new one", async () => {
  const page = await phone();
  const madeUp = "a".repeat(43);
  await page.addInitScript((id) => localStorage.setItem("webchat.session", id), madeUp);
  await page.goto(`${base}/chat`);
  const bot = page.locator("li.bubble.bot");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  const issued = core.received.at(-1);
  expect(issued?.text).toBe("/start");
  expect(issued?.externalUserId).not.toBe(madeUp);
  expect(await db.conversation.count({ where: { externalConversationId: madeUp } })).toBe(0);
  await page.context().close();
});

test("the … bubble shows when an answer takes more than a second, and not for a quick one", async () => {
  const page = await phone();
  await page.goto(`${base}/chat?start=abc123`);
  const bot = page.locator("li.bubble.bot");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  const typing = page.locator("#typing");
  // Record every time the bubble becomes visible.
  await page.evaluate(() => {
    const element = document.getElementById("typing") as HTMLElement;
    (window as unknown as { shown: number }).shown = 0;
    new MutationObserver(() => {
      if (!element.hidden) (window as unknown as { shown: number }).shown++;
    }).observe(element, { attributes: true, attributeFilter: ["hidden"] });
  });
  const shown = () => page.evaluate(() => (window as unknown as { shown: number }).shown);
  await page.locator("#text").fill("quick");
  await page.locator("#send").tap();
  await expect.poll(() => bot.count(), WAIT).toBe(2);
  expect(await shown()).toBe(0);

  await page.locator("#text").fill("slow please");
  await page.locator("#send").tap();
  await expect.poll(() => typing.isVisible(), WAIT).toBe(true);
  await page.screenshot({ path: "/tmp/webchat-typing.png" });
  await expect.poll(() => bot.count(), WAIT).toBe(3);
  expect(await typing.isVisible()).toBe(false);
  expect(await shown()).toBe(1);
  await page.context().close();
});

test("after a reload every text is text: HTML and links in bot messages and in the person's own stay inert", async () => {
  const page = await phone();
  await page.goto(`${base}/chat`);
  const bot = page.locator("li.bubble.bot");
  await expect.poll(() => bot.count(), WAIT).toBe(1);
  const first = core.received.at(-1);
  const conversation = await db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: {
        channel: "webchat",
        externalConversationId: first?.externalConversationId ?? "",
      },
    },
  });
  const hostile = `<img src=x onerror="window.pwned=1"> https://evil.example/login`;
  await db.message.create({
    data: {
      conversationId: conversation.id,
      direction: "outbound",
      idempotencyKey: `hostile:${first?.externalMessageId}`,
      text: hostile,
      payload: {
        locale: "en",
        direction: "ltr",
        choices: [{ id: "job:x1:interested", label: '<b onclick="window.pwned=3">bold</b>' }],
      },
      status: "sent",
    },
  });
  const typed = "<script>window.pwned=2</script> http://evil.example";
  await page.locator("#text").fill(typed);
  await page.locator("#send").tap();
  await expect.poll(() => page.locator("li.bubble").count(), WAIT).toBe(4);
  expect(await page.locator("li.mine p").last().textContent()).toBe(typed);
  await page.reload();
  await expect.poll(() => bot.count(), WAIT).toBe(3);
  expect(await page.locator("#messages img, #messages script, #messages a, #messages b").count()).toBe(0);
  expect(await bot.nth(1).locator("p").textContent()).toBe(hostile);
  expect(await bot.nth(1).locator("button").textContent()).toBe('<b onclick="window.pwned=3">bold</b>');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await page.context().close();
}, 60_000);
