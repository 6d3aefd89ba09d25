/**
 * The console's script in headless Chromium (the console's CSP as served): a counsellor
 * double-clicks "Send" on a free-text reply while the server is slow to answer. The button is
 * disabled while the form is posted, the browser posts the form once, and the client gets the
 * message once. (The server would send once for the same submission anyway: form-resubmit.test.ts.)
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { broadcastOrganisation } from "../domain/broadcasts/segment-fixture.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { outboundSettled } from "../support/outbound-settled.ts";
import { staffMember } from "../support/staff.ts";

let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let base: string;
browserApp({ telegram: true, workers: true }, (started) => ({ telegram, app, browser, base } = started));

test("a double-click on Send posts the reply once, with the button disabled meanwhile", async () => {
  const { organisation, members } = await broadcastOrganisation(app.db, [{ locale: "ro" }]);
  const [client] = members;
  if (!client) throw new Error("fixture");
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", { locale: "en" });
  const page = await signInToConsole(browser, base, counsellor.email);

  // The page notes when the Send button turns disabled; the note outlives the navigation.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const button = document.querySelector<HTMLButtonElement>("#text-form button[type=submit]");
      if (button?.disabled && !sessionStorage.getItem("disabledAt"))
        sessionStorage.setItem("disabledAt", String(Date.now()));
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["disabled"] });
  });
  await page.goto(`${base}/console/cases/${client.caseId}/conversation`);
  // The server is slow to answer: each post of the reply waits two seconds before it goes on.
  const posted: number[] = [];
  await page.route(`**/console/cases/${client.caseId}/messages`, async (route) => {
    posted.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await route.continue();
  });
  const text = `Ne vedem mâine la zece ${Date.now()}`;
  await page.locator("#reply-text").fill(text);
  await page.locator("#text-form button[type=submit]").dblclick();
  await page.waitForURL(/\?sent=1/);
  expect(posted).toHaveLength(1);
  const disabledAt = Number(await page.evaluate(() => sessionStorage.getItem("disabledAt")));
  expect(disabledAt).toBeGreaterThan(0);
  expect(disabledAt).toBeLessThan((posted[0] ?? 0) + 2000); // while the post was on its way
  // The page after sending has its button back.
  expect(await page.locator("#text-form button[type=submit]").isDisabled()).toBe(false);

  await outboundSettled(app.db, { id: client.conversationId ?? "" });
  expect(telegram.sent().filter((m) => m.text === text)).toHaveLength(1);
  expect(await app.db.message.count({ where: { text } })).toBe(1);
}, 60_000);
