/**
 * Voice notes in the web chat (issue #16 §4), in Chromium on a 390×844 phone: 🔊 under the privacy
 * notice shows the notice again, followed by an audio player bubble that plays the approved
 * Romani recording (OGG/Opus, decoded by the browser). The route serves approved recordings only.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import type { App } from "../../../src/app.ts";
import { voiceKeys } from "../../../src/domain/voice/voice-keys.ts";
import { approveVoiceRecording, saveVoiceRecording } from "../../../src/domain/voice/voice-recordings.ts";
import { audioDuration } from "../../support/audio.ts";
import { browserApp } from "../../support/browser-app.ts";
import { phonePage } from "../../support/chromium.ts";

const WAIT = { timeout: 15_000 };
const webm = new Uint8Array(readFileSync(new URL("../../fixtures/voice/hello.webm", import.meta.url)));

let app: App;
let browser: Browser;
let base: string;
let pendingId: string;
browserApp({}, (started) => ({ app, browser, base } = started));

beforeAll(async () => {
  const { isKey } = voiceKeys(app.flows);
  const slot = { locale: "rom", messageKey: "onboarding.consent_notice" };
  const notice = await saveVoiceRecording(app.db, { slot, bytes: webm, staffId: "steward-1" }, isKey);
  await approveVoiceRecording(app.db, notice.id, "counsellor-2");
  const welcome = { locale: "rom", messageKey: "onboarding.welcome" };
  pendingId = (await saveVoiceRecording(app.db, { slot: welcome, bytes: webm, staffId: "steward-1" }, isKey))
    .id;
});

test("🔊 in Romani: the notice again, then a player that plays its approved recording", async () => {
  const t = (key: string) => app.translator.t(key, "rom");
  const page = await phonePage(browser, "ro-RO");
  await page.goto(`${base}/chat`);
  const bot = page.locator("li.bubble.bot");
  const tapLatest = async (label: string) => {
    const button = bot.last().locator(".choices button", { hasText: label });
    await expect.poll(() => button.count(), WAIT).toBe(1);
    await button.tap();
  };
  await tapLatest("Romanes");
  await expect.poll(() => bot.last().locator("p").textContent(), WAIT).toBe(t("onboarding.consent_notice"));
  // The welcome's recording waits for approval: no player yet.
  expect(await page.locator("li.bubble.bot audio").count()).toBe(0);

  await tapLatest(t("voice.listen"));
  const player = page.locator("li.bubble.bot audio");
  await expect.poll(() => player.count(), WAIT).toBe(1);
  // Right after the notice shown again, in a bubble of its own.
  const texts = await bot.locator("p").allTextContents();
  expect(texts.slice(-2)).toEqual([t("onboarding.consent_notice"), ""]);
  expect(await player.getAttribute("aria-label")).toBe(t("webchat.voice_note"));
  // The browser loads and decodes it: OGG/Opus of about 1.5 s.
  const duration = await audioDuration(player);
  expect(duration).toBeGreaterThan(1);
  expect(duration).toBeLessThan(3);
  await bot.last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/images/webchat-voice.png" });
  await page.context().close();
});

test("the route serves approved recordings only", async () => {
  const notice = await app.db.voiceRecording.findFirstOrThrow({
    where: { locale: "rom", messageKey: "onboarding.consent_notice" },
  });
  const ok = await app.http.inject({ method: "GET", url: `/chat/voice/${notice.id}` });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers["content-type"]).toBe("audio/ogg");
  expect(ok.rawPayload.subarray(0, 4).toString()).toBe("OggS");
  for (const id of [pendingId, "nosuchrecording1", "..%2F..%2Fetc"]) {
    const refused = await app.http.inject({ method: "GET", url: `/chat/voice/${id}` });
    expect(refused.statusCode).toBe(404);
  }
});

test("a byte range is served as 206 (the player reads the end for the duration)", async () => {
  const notice = await app.db.voiceRecording.findFirstOrThrow({
    where: { locale: "rom", messageKey: "onboarding.consent_notice" },
  });
  const url = `/chat/voice/${notice.id}`;
  const size = notice.audio.length;
  const head = await app.http.inject({ method: "GET", url, headers: { range: "bytes=0-3" } });
  expect([head.statusCode, head.headers["content-range"], head.rawPayload.toString()]).toEqual([
    206,
    `bytes 0-3/${size}`,
    "OggS",
  ]);
  const tail = await app.http.inject({ method: "GET", url, headers: { range: "bytes=-10" } });
  expect([tail.statusCode, tail.rawPayload.length]).toEqual([206, 10]);
  const odd = await app.http.inject({ method: "GET", url, headers: { range: "bytes=9999999-" } });
  expect([odd.statusCode, odd.rawPayload.length]).toEqual([200, size]);
});
