/**
 * The funnel's `reached` through the real app: a conversation that starts onboarding is counted
 * for its programme before any consent, once, and nothing else is kept when the person declines.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import { uid } from "../support/db.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

test("a conversation that starts onboarding is reached once, before consent, and stays counted when it declines", async () => {
  const organisation = await createOrganisation(bed.app.db, { slug: `org-${uid()}`, name: "Org" });
  const programme = await createProgramme(bed.app.db, {
    organisationSlug: organisation.slug,
    slug: `prog-${uid()}`,
    name: "Programme",
    withInviteCode: true,
  });
  const reached = async () =>
    (await bed.app.db.programmeReach.findMany({ where: { programmeId: programme.id } })).reduce(
      (sum, r) => sum + r.count,
      0,
    );
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${programme.inviteCode}`);
  expect(await reached()).toBe(1);
  expect(
    await bed.app.db.client.count({
      where: { conversations: { some: {} }, cases: { some: { programmeId: programme.id } } },
    }),
  ).toBe(0);
  await user.say(`/start ${programme.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:decline");
  expect(await reached()).toBe(1);
  const other = new TelegramUser(bed.app, bed.telegram);
  await other.say(`/start ${programme.inviteCode}`);
  expect(await reached()).toBe(2);
});
