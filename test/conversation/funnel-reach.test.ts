/**
 * The funnel's `reached` through the real app: a conversation that starts onboarding is counted
 * for its programme before any consent, once, and nothing else is kept when the person declines.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import { uid } from "../support/db.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestApp } from "../support/test-app.ts";

let telegram: FakeTelegram;
let app: App;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  app = await startTestApp({ telegram });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

test("a conversation that starts onboarding is reached once, before consent, and stays counted when it declines", async () => {
  const organisation = await createOrganisation(app.db, { slug: `org-${uid()}`, name: "Org" });
  const programme = await createProgramme(app.db, {
    organisationSlug: organisation.slug,
    slug: `prog-${uid()}`,
    name: "Programme",
    withInviteCode: true,
  });
  const reached = async () =>
    (await app.db.programmeReach.findMany({ where: { programmeId: programme.id } })).reduce(
      (sum, r) => sum + r.count,
      0,
    );
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${programme.inviteCode}`);
  expect(await reached()).toBe(1);
  expect(
    await app.db.client.count({
      where: { conversations: { some: {} }, cases: { some: { programmeId: programme.id } } },
    }),
  ).toBe(0);
  await user.say(`/start ${programme.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:decline");
  expect(await reached()).toBe(1);
  const other = new TelegramUser(app, telegram);
  await other.say(`/start ${programme.inviteCode}`);
  expect(await reached()).toBe(2);
});
