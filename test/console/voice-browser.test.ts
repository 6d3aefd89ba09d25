/**
 * Voice recordings in the console (issue #16 §4), in Chromium with a fake microphone: a steward
 * records a message in Romani on the voice page, listens, uploads; a counsellor (a second person)
 * listens and approves it; only then may clients hear it. The door over HTTP: bad bytes and a body
 * over 1 MB refused with a clear error, the recorder's own approval refused. axe-core: no serious
 * or critical violation; a phone-size screenshot.
 */
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { audioDuration } from "../support/audio.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { consoleShot } from "../support/screenshots.ts";
import { staffMember } from "../support/staff.ts";

const WAIT = { timeout: 15_000 };
const webm = readFileSync(new URL("../fixtures/voice/hello.webm", import.meta.url));

let app: App;
let browser: Browser;
let base: string;
browserApp(
  { chromiumArgs: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"] },
  (started) => ({ app, browser, base } = started),
);

const signIn = (email: string): Promise<Page> =>
  signInToConsole(browser, base, email, {
    context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 },
    permissions: ["microphone"],
    pageErrorsFail: true,
    landsOn: /\/console\/inbox$/,
  });

test("a steward records and uploads a Romani message; a counsellor listens and approves it", async () => {
  const { organisation } = await organisationWithCounsellor(app.db);
  const steward = await staffMember(app.db, organisation.slug, "steward", { name: "Mihai Stoica" });
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", { name: "Lena Janssens" });
  const key = "commands.help";

  const page = await signIn(steward.email);
  await page.getByRole("link", { name: "Voice" }).click();
  await page.waitForURL(/\/console\/voice/);
  // Grouped by flow, each by the name staff know it by (never its file), then the other
  // messages; the questionnaire's questions among them.
  const groups = page.locator(".voice-group h2");
  expect(await groups.allTextContents()).toContain("Self-assessment questionnaire");
  expect((await groups.allTextContents()).filter((title) => /\.yaml|_/.test(title))).toEqual([]);
  expect(
    await page
      .locator(".voice-group", { has: page.locator("code", { hasText: "assessment.residence_prompt" }) })
      .count(),
  ).toBe(1);
  await page.screenshot({ path: consoleShot("voice-groups") });
  const card = page.locator("li.voice-key", { has: page.locator("code", { hasText: key }) });
  // The text to say, in Romani.
  expect(await card.locator(".voice-text").textContent()).toBe(app.translator.t(key, "rom"));
  await card.getByRole("button", { name: "🎙️ Record" }).click();
  await expect.poll(() => card.getByRole("button", { name: "⏹️ Stop" }).count(), WAIT).toBe(1);
  await page.waitForTimeout(1500);
  await card.getByRole("button", { name: "⏹️ Stop" }).click();
  // Listen before uploading: the preview plays what was just recorded.
  const preview = card.locator("audio.voice-preview");
  await expect.poll(() => preview.isVisible(), WAIT).toBe(true);
  await card.getByRole("button", { name: "⬆️ Upload" }).click();
  await page.waitForURL(/done=voice_saved/, WAIT);
  expect(await page.locator(".notice").textContent()).toContain("Recording uploaded");
  const saved = await app.db.voiceRecording.findUniqueOrThrow({
    where: { locale_messageKey: { locale: "rom", messageKey: key } },
  });
  // Recorded as WebM/Opus in Chromium, stored as OGG/Opus.
  expect([saved.mimeType, Buffer.from(saved.audio.subarray(0, 4)).toString(), saved.recordedById]).toEqual([
    "audio/ogg",
    "OggS",
    steward.id,
  ]);
  expect(saved.durationMs).toBeGreaterThan(800);
  expect(saved.approvedAt).toBeNull();
  // The recorder sees that a colleague approves it, and no approve button.
  const mine = page.locator("li.voice-key", { has: page.locator("code", { hasText: key }) });
  expect(await mine.getByRole("button", { name: "✅ I listened: approve" }).count()).toBe(0);
  expect(await mine.locator(".voice-status").textContent()).toContain("Mihai Stoica");

  const second = await signIn(counsellor.email);
  await second.goto(`${base}/console/voice?locale=rom`);
  const theirs = second.locator("li.voice-key", { has: second.locator("code", { hasText: key }) });
  const player = theirs.locator("audio:not(.voice-preview)");
  const duration = await audioDuration(player);
  expect(duration).toBeGreaterThan(0);
  expect(await seriousViolations(second), "voice page").toEqual([]);
  await theirs.getByRole("button", { name: "✅ I listened: approve" }).click();
  await second.waitForURL(/done=voice_approved/, WAIT);
  const approved = await app.db.voiceRecording.findUniqueOrThrow({ where: { id: saved.id } });
  expect(approved.approvedById).toBe(counsellor.id);
  await second.locator(`#voice-commands-help`).scrollIntoViewIfNeeded();
  await second.screenshot({ path: "docs/images/console-voice.png" });
  await second.screenshot({ path: consoleShot("voice"), fullPage: true });
  await page.context().close();
  await second.context().close();
});

async function signedIn(staffId: string) {
  const token = await openSession(app.db, staffId);
  const session = await findSession(app.db, token);
  return { cookie: `ceb_session=${token}`, "x-csrf-token": session?.csrfToken ?? "" };
}

test("the door: bad bytes and more than 1 MB are refused with a clear error; the recorder cannot approve", async () => {
  const { organisation } = await organisationWithCounsellor(app.db);
  const steward = await staffMember(app.db, organisation.slug, "steward");
  const headers = await signedIn(steward.id);
  const url = "/console/voice/ar/commands.privacy";
  const upload = (payload: Buffer, type = "audio/webm") =>
    app.http.inject({ method: "POST", url, headers: { ...headers, "content-type": type }, payload });

  const wav = await upload(Buffer.from("RIFF\u0000\u0000\u0000\u0000WAVEfmt "));
  expect([wav.statusCode, wav.json().error]).toEqual([
    400,
    app.translator.t("console.error_voice_format", "en"),
  ]);
  const big = await upload(Buffer.concat([webm, Buffer.alloc(1024 * 1024)]));
  expect(big.statusCode).toBe(413);
  expect((await upload(webm, "application/octet-stream")).statusCode).toBe(415);
  const unknownKey = await app.http.inject({
    method: "POST",
    url: "/console/voice/ar/no.such_key",
    headers: { ...headers, "content-type": "audio/webm" },
    payload: webm,
  });
  expect(unknownKey.statusCode).toBe(400);
  const noToken = await app.http.inject({
    method: "POST",
    url,
    headers: { cookie: headers.cookie, "content-type": "audio/webm" },
    payload: webm,
  });
  expect(noToken.statusCode).toBe(403);

  expect((await upload(webm)).statusCode).toBe(201);
  const saved = await app.db.voiceRecording.findUniqueOrThrow({
    where: { locale_messageKey: { locale: "ar", messageKey: "commands.privacy" } },
  });
  const own = await app.http.inject({
    method: "POST",
    url: `/console/voice/${saved.id}/approve`,
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    payload: `version=${saved.updatedAt.getTime()}`,
  });
  expect(own.statusCode).toBe(400);
  expect(own.body).toContain(app.translator.t("console.error_voice_own_recording", "en"));
  expect((await app.db.voiceRecording.findUniqueOrThrow({ where: { id: saved.id } })).approvedAt).toBeNull();

  const deleted = await app.http.inject({
    method: "POST",
    url: `/console/voice/${saved.id}/delete`,
    headers,
  });
  expect(deleted.statusCode).toBe(303);
  expect(await app.db.voiceRecording.count({ where: { id: saved.id } })).toBe(0);
});
