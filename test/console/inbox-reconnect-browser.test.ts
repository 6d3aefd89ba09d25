/**
 * A live inbox that reconnects is brought up to date at once, in headless Chromium against the real
 * app and Postgres. On a fresh page the stream's first event (the current render) arrives and
 * changes nothing, so it is not swapped in (console.js). Then the LISTEN backend is terminated:
 * the stream closes, and while the browser's reconnect is held back a handover is written straight
 * to the table (no NOTIFY, so no later change would draw it); once the reconnect goes through, the
 * card is on the page without a reload.
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { uid } from "../support/db.ts";
import { namedTestDatabaseUrl } from "../support/env.ts";
import { staffMember } from "../support/staff.ts";

const appName = `inbox-reconnect-${uid()}`;
let app: App;
let browser: Browser;
let base: string;
browserApp(
  { env: { DATABASE_URL: namedTestDatabaseUrl(appName) } },
  (started) => ({ app, browser, base } = started),
);

/** Counts, in the page, the live events that arrived and those that were swapped in. */
async function countLiveEvents(page: Page): Promise<() => Promise<{ arrived: number; swapped: number }>> {
  await page.addInitScript(() => {
    const live = { arrived: 0, swapped: 0 };
    Object.assign(window, { live });
    document.addEventListener("htmx:sseBeforeMessage", () => {
      live.arrived += 1;
    });
    document.addEventListener("htmx:sseMessage", () => {
      live.swapped += 1;
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { live: { arrived: number; swapped: number } }).live);
}

test("a reconnected inbox shows at once what changed while it was away; an unchanged first render is not swapped", async () => {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor");
  const page = await signInToConsole(browser, base, counsellor.email, { landsOn: /\/console\/inbox$/ });
  const live = await countLiveEvents(page);
  await page.goto(`${base}/console/inbox`);
  await expect.poll(async () => (await live()).arrived, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  expect((await live()).swapped).toBe(0); // the same list as the page's: left as it is

  let reconnecting: () => void = () => undefined;
  const reconnected = new Promise<void>((resolve) => {
    reconnecting = resolve;
  });
  let written: () => void = () => undefined;
  const handoverWritten = new Promise<void>((resolve) => {
    written = resolve;
  });
  await page.route("**/console/inbox/events", async (route) => {
    reconnecting();
    await handoverWritten;
    await route.continue();
  });
  const killed = await app.db.$queryRaw<{ terminated: boolean }[]>`
    SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
    WHERE application_name = ${appName} AND datname = current_database() AND query ILIKE 'LISTEN%'`;
  expect(killed).toEqual([{ terminated: true }]);
  await reconnected;

  const name = `Client ${uid()}`;
  const client = await consentedClient(app.db, { displayName: name });
  const conversation = await app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
  const found = await app.db.case.create({ data: { clientId: client.id, programmeId: programme.id } });
  await app.db.handover.create({
    data: {
      conversationId: conversation.id,
      caseId: found.id,
      organisationId: organisation.id,
      reason: "words",
    },
  });
  written();
  await expect.poll(() => page.locator("#inbox-list").textContent(), { timeout: 10_000 }).toContain(name);
  expect((await live()).swapped).toBe(1);
}, 60_000);
