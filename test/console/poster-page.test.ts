/**
 * The printable poster of a programme's invite code: behind sign-in, scoped to the organisation,
 * a QR code of the Telegram deep link and one line in every client language (Arabic right to
 * left). Screenshot at 794×1123 (A4 at 96 dpi) in headless Chromium, at /tmp/invite-poster.png.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { launchChromium } from "../support/chromium.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ env: { TELEGRAM_BOT_USERNAME: "engagement_test_bot" } });
});
afterAll(() => bed?.close());

async function signedIn(staffId: string) {
  const token = await openSession(bed.app.db, staffId);
  const session = await findSession(bed.app.db, token);
  return { token, headers: { cookie: `ceb_session=${token}`, "x-csrf-token": session?.csrfToken ?? "" } };
}

test("a coordinator prints the poster: QR of the deep link, the code, every client language", async () => {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db, { withInviteCode: true });
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const { token, headers } = await signedIn(coordinator.id);
  const url = `/console/programmes/${programme.id}/poster`;
  const page = await bed.app.http.inject({ url, headers });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`https://t.me/engagement_test_bot?start=${programme.inviteCode}`);
  expect(page.body).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{500,}"/);
  for (const locale of CLIENT_LOCALES) {
    expect(page.body).toContain(`<li lang="${locale}" dir="${locale === "ar" ? "rtl" : "ltr"}">`);
  }
  // Signed out: to the sign-in page.
  expect((await bed.app.http.inject({ url })).statusCode).toBe(303);

  const base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 } });
    await context.addCookies([{ name: "ceb_session", value: token, url: base }]);
    const tab = await context.newPage();
    await tab.goto(`${base}${url}`);
    expect(await tab.locator(".poster-lines li").count()).toBe(CLIENT_LOCALES.length);
    expect(
      await tab.locator(".poster-qr img").evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(300);
    // docs/images/invite-poster.png is a copy of one (the programme and its code differ each run).
    await tab.screenshot({ path: "/tmp/invite-poster.png", fullPage: true });
  } finally {
    await browser.close();
  }
}, 60_000);

test("another organisation's programme is a 404", async () => {
  const { programme } = await organisationWithCounsellor(bed.app.db, { withInviteCode: true });
  const other = await organisationWithCounsellor(bed.app.db);
  const coordinator = await staffMember(bed.app.db, other.organisation.slug, "coordinator");
  const { headers } = await signedIn(coordinator.id);
  const page = await bed.app.http.inject({ url: `/console/programmes/${programme.id}/poster`, headers });
  expect(page.statusCode).toBe(404);
  expect(page.body).not.toContain(programme.inviteCode ?? "-");
});
