/**
 * A person asks their counsellor in person to be erased: the case page's "Erase this person's
 * data" leads to a confirmation page (what goes, what stays, cannot be undone, a box to tick);
 * the case's counsellor erases them there over real HTTP (CSRF, submission id), against the real
 * app, Postgres, Redis and the fake Telegram. A colleague and the steward who brought them in are
 * refused (403), another organisation's coordinator gets the 404 page; the posts race and erase once;
 * no table, column or Redis key holds the person afterwards (the scan of erasure-everywhere); one
 * audit event names the counsellor by id; each of the person's chats gets the last message in
 * Romanian. In Chromium: the confirmation page at 1280 and 390 wide (screenshots), ticked and sent.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { browserApp } from "../support/browser-app.ts";
import {
  type ConsoleHttp,
  hiddenField,
  signInOverHttp,
  signInToConsole,
} from "../support/console-session.ts";
import { erasureScan } from "../support/erasure-scan.ts";
import { erasureWorld } from "../support/erasure-world.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { checkPage } from "../support/page-check.ts";
import { consoleShot } from "../support/screenshots.ts";

let telegram: FakeTelegram;
let app: App;
let base: string;
let browser: Browser;
browserApp({ telegram: true }, (started) => ({ telegram, app, base, browser } = started));

/** A signed-in post of the erase form with `member`'s own CSRF token (read from a page they may open). */
async function postErase(member: ConsoleHttp, caseId: string, extra: Record<string, string> = {}) {
  const page = await member.get("/console/cases");
  return member.post(`/console/cases/${caseId}/erase`, {
    _csrf: hiddenField(page.body, "_csrf"),
    submission: crypto.randomUUID(),
    confirm: "yes",
    ...extra,
  });
}

test("only the case's counsellor or a coordinator may erase; another organisation gets the 404 page", async () => {
  const w = await erasureWorld(app, telegram);
  const url = `/console/cases/${w.caseId}/erase`;
  for (const refused of [w.colleague, w.steward]) {
    const member = await signInOverHttp(base, refused.email);
    const casePage = await member.get(`/console/cases/${w.caseId}`);
    expect(casePage.status, refused.role).toBe(200);
    expect(casePage.body, refused.role).not.toContain(url);
    expect((await member.get(url)).status, refused.role).toBe(403);
    const posted = await postErase(member, w.caseId);
    expect(posted.status, refused.role).toBe(403);
    expect(posted.body).toContain("counsellor or a coordinator may erase");
  }
  const outsider = await signInOverHttp(base, w.outsider.email);
  expect((await outsider.get(url)).status).toBe(404);
  expect((await postErase(outsider, w.caseId)).status).toBe(404);
  expect(await app.db.client.count({ where: { id: w.clientId } })).toBe(1);
  // A coordinator of the organisation sees the action (and the counsellor's test below uses it).
  const coordinator = await signInOverHttp(base, w.coordinator.email);
  expect((await coordinator.get(`/console/cases/${w.caseId}`)).body).toContain(url);
  expect((await coordinator.get(url)).status).toBe(200);
}, 60_000);

test("the case's counsellor erases the person once, however often the form is posted", async () => {
  const w = await erasureWorld(app, telegram);
  const owner = await signInOverHttp(base, w.owner.email);
  const url = `/console/cases/${w.caseId}/erase`;
  expect((await owner.get(`/console/cases/${w.caseId}`)).body).toContain(`href="${url}"`);
  const confirm = await owner.get(url);
  expect(confirm.status).toBe(200);
  expect(confirm.body).toContain("This cannot be undone.");
  expect(confirm.body).toContain("Their chats with the bot on every channel");
  const form = {
    _csrf: hiddenField(confirm.body, "_csrf"),
    submission: hiddenField(confirm.body, "submission"),
  };
  // Without the box ticked: the page again, saying so, and nothing erased.
  const unticked = await owner.post(url, form);
  expect(unticked.status).toBe(400);
  expect(unticked.body).toContain("Tick the box");
  expect(await app.db.client.count({ where: { id: w.clientId } })).toBe(1);

  const posts = await Promise.all([
    owner.post(url, { ...form, confirm: "yes" }),
    owner.post(url, { ...form, confirm: "yes" }),
  ]);
  posts.push(await owner.post(url, { ...form, confirm: "yes" }));
  expect(posts.map((p) => [p.status, p.location])).toEqual(
    Array(3).fill([303, "/console/cases?done=client_erased"]),
  );
  const list = await owner.get("/console/cases?done=client_erased");
  expect(list.body).toContain("The person&#39;s data is erased.");

  const scan = erasureScan(app);
  expect(await scan.columnsHolding(w.ids)).toEqual([]);
  expect(await scan.tablesHolding(w.needles)).toEqual([]);
  expect(await scan.redisKeysHolding(w.ids)).toEqual([]);
  const c = await app.db.case.findUniqueOrThrow({ where: { id: w.caseId } });
  expect([c.clientId, c.reference, c.status]).toEqual([null, null, "closed"]);

  const events = await app.db.auditEvent.findMany({
    where: { type: "client.erased", organisationId: w.organisation.id },
  });
  expect(events).toHaveLength(1);
  expect(events[0]?.actor).toBe(w.owner.id);
  expect(events[0]?.data).toEqual({
    cases: [w.caseId],
    conversations: 2,
    erasure: expect.any(String),
    submission: form.submission,
  });
  // The last message, in Romanian, in each of their chats.
  const goodbye = app.translator.t("commands.erased_by_staff", "ro");
  for (const chat of [w.user, w.second])
    expect(
      telegram.sent().filter((m) => String(m.chat_id) === String(chat.userId) && m.text === goodbye),
    ).toHaveLength(1);
  // Another form afterwards (another tab): nobody left, and it says so.
  const later = await postErase(owner, w.caseId);
  expect([later.status, later.location]).toEqual([303, "/console/cases?done=client_already_erased"]);
}, 60_000);

test("the confirmation page in Chromium at 1280 and 390 wide, ticked and sent", async () => {
  const w = await erasureWorld(app, telegram);
  const page = await signInToConsole(browser, base, w.coordinator.email, {
    context: { viewport: { width: 1280, height: 900 }, bypassCSP: true },
  });
  await page.goto(`${base}/console/cases/${w.caseId}`);
  await page.getByRole("link", { name: "Erase this person's data…" }).click();
  await page.waitForURL(/\/erase$/);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(w.reference);
  await checkPage(page, "case-erase-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: consoleShot("case-erase-390"), fullPage: true });
  // The browser will not send the form without the box ticked.
  await page.getByRole("button", { name: "Erase for good" }).click();
  expect(page.url()).toMatch(/\/erase$/);
  await page.getByLabel("The person asked me to erase their data").check();
  await page.getByRole("button", { name: "Erase for good" }).click();
  await page.waitForURL(/\/console\/cases\?done=client_erased$/);
  expect(await page.getByRole("status").textContent()).toContain("The person's data is erased.");
  await page.screenshot({ path: consoleShot("case-erased-list-390") });
  expect(await app.db.client.count({ where: { id: w.clientId } })).toBe(0);
}, 90_000);
