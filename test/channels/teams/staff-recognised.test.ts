/**
 * A staff member who signed in to the console with Microsoft Entra (a real OpenID Connect provider
 * here, issuing `oid` and `tid` as Entra does) and then installs the bot in Teams is known by their
 * Entra object id (Teams' `from.aadObjectId`): no client's welcome, no onboarding, no consent, no
 * count in the funnel's `reached`, one answer in their console language saying what the chat is
 * for and how to connect it — the code still connects it. A client with another object id, the
 * same id in another tenant, and a chat that already is a client's are greeted and counted as
 * before (docs/decisions/0023-staff-known-by-entra-object-id.md). The real app, the real Teams
 * channel (JWT checked) against the fake Bot Framework, in a database of its own (it marks a
 * default-intake programme, which counts every new person).
 */
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import { createStaffTeamsCode } from "../../../src/domain/staff/teams-link.ts";
import { launchChromium } from "../../support/chromium.ts";
import { uid } from "../../support/db.ts";
import {
  freePort,
  oidcEnv,
  signInThroughProvider,
  startOidcProvider,
  type TestOidcProvider,
} from "../../support/oidc-provider.ts";
import { type OwnDatabase, ownDatabase } from "../../support/own-database.ts";
import { bearer, staffMember } from "../../support/staff.ts";
import { consoleUrl, sayAndWait, waitFor } from "./staff-support.ts";
import {
  installed,
  message,
  onboardWithCode,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
} from "./support.ts";

const database: OwnDatabase = ownDatabase("staff_entra");
let provider: TestOidcProvider;
let bed: TeamsTestBed;
let browser: Browser;
let base: string;
let organisationSlug: string;
let programmeSlug: string;
let coordinator: Awaited<ReturnType<typeof staffMember>>;

beforeAll(async () => {
  await database.create();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(base);
  bed = await startTeamsTestBed({
    workers: true,
    env: { ...oidcEnv(provider, base), DATABASE_URL: database.url },
  });
  await bed.app.http.listen({ host: "127.0.0.1", port });
  browser = await launchChromium();
  organisationSlug = `o-${uid()}`;
  programmeSlug = `p-${uid()}`;
  await createOrganisation(bed.app.db, { slug: organisationSlug, name: "Foyer" });
  await createProgramme(bed.app.db, {
    organisationSlug,
    slug: programmeSlug,
    name: "Intake",
    isDefaultIntake: true,
    withInviteCode: true,
  });
  coordinator = await staffMember(bed.app.db, organisationSlug, "coordinator");
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await bed?.close();
  await provider?.close();
  await database.drop();
});

/** A staff member (Dutch console) who signed in through the provider; as a Teams user of its tenant. */
async function signedInWithEntra() {
  const staff = await staffMember(bed.app.db, organisationSlug, "counsellor", { locale: "nl" });
  const { context } = await signInThroughProvider(browser, base, staff.email);
  await context.close();
  const row = await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: staff.id } });
  expect(row.entraObjectId).toBe(provider.objectIdOf(staff.email));
  const user: TeamsUser = {
    ...teamsUser("en-US", "Lena"),
    aadObjectId: provider.objectIdOf(staff.email),
    tenantId: provider.tenantId,
  };
  return { staff, user };
}

/** The funnel's `reached` for the intake programme, as the coordinator reads it. */
async function reached(): Promise<number> {
  const response = await bed.app.http.inject({
    url: `/api/v1/funnel?programme=${programmeSlug}`,
    headers: bearer(coordinator),
  });
  expect(response.statusCode).toBe(200);
  return response.json().steps.find((s: { step: string }) => s.step === "reached").count;
}

const chatOf = (user: TeamsUser) =>
  bed.app.db.conversation.findUnique({
    where: {
      channel_externalConversationId: { channel: "teams", externalConversationId: user.conversationId },
    },
    include: { flowRuns: true, consents: true, messages: { where: { direction: "inbound" } } },
  });

/** Installs the bot as `user`; returns what it was sent once the outbox had sent it. */
async function install(user: TeamsUser) {
  const from = bed.fake.sent.length;
  expect((await post(bed, installed(bed, user))).statusCode).toBe(200);
  return waitFor(() => {
    const sent = sentTo(bed, user, from);
    return sent.length ? sent.map((m) => m.text) : undefined;
  }, `an answer to ${user.name}`);
}

const recognisedText = (locale: string) =>
  bed.app.translator.t("staff-teams.recognised", locale, { url: `${consoleUrl(bed)}/me` });

describe("a staff member who signed in with Entra is known in Teams by their object id", () => {
  test("installing the bot: one staff answer in their language; no onboarding, nothing of a client's, not reached", async () => {
    const { staff, user } = await signedInWithEntra();
    const before = await reached();
    const activity = installed(bed, user);
    const from = bed.fake.sent.length;
    expect((await post(bed, activity)).statusCode).toBe(200);
    await waitFor(() => sentTo(bed, user, from).length > 0 || undefined, "the staff answer");
    // Teams delivers the install again: answered once.
    expect((await post(bed, activity)).statusCode).toBe(200);
    expect(await sayAndWait(bed, user, "hallo")).toBe(recognisedText("nl"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentTo(bed, user, from).map((m) => m.text)).toEqual([recognisedText("nl"), recognisedText("nl")]);

    const chat = await chatOf(user);
    expect(chat).toMatchObject({ clientId: null, staffId: null, reachCounted: false });
    expect(chat?.flowRuns).toEqual([]);
    expect(chat?.consents).toEqual([]);
    expect(chat?.messages).toEqual([]);
    expect(await reached()).toBe(before);
    expect(
      await bed.app.db.case.count({ where: { programme: { slug: programmeSlug }, counsellorId: staff.id } }),
    ).toBe(0);

    // The code still connects the chat, which is then the staff member's.
    const code = await createStaffTeamsCode(bed.app.db, staff.id, new Date());
    expect(await sayAndWait(bed, user, code)).toBe(
      bed.app.translator.t("staff-teams.linked", "nl", { url: `${consoleUrl(bed)}/me` }),
    );
    expect((await chatOf(user))?.staffId).toBe(staff.id);
    expect(await reached()).toBe(before);
  }, 90_000);

  test("a client with another object id, in the same tenant, is greeted, onboarded and reached", async () => {
    await signedInWithEntra();
    const before = await reached();
    const client: TeamsUser = { ...teamsUser("en-US", "Ana"), tenantId: provider.tenantId };
    const greeting = await install(client);
    expect(greeting).not.toContain(recognisedText("en"));
    const chat = await chatOf(client);
    expect(chat?.reachCounted).toBe(true);
    expect(chat?.flowRuns.map((run) => run.flowId)).toContain("onboarding");
    expect(await reached()).toBe(before + 1);
  }, 90_000);

  test("the staff member's object id in another tenant is not theirs: greeted as anyone", async () => {
    const { user } = await signedInWithEntra();
    const before = await reached();
    const elsewhere: TeamsUser = { ...user, conversationId: `a:${randomUUID()}`, tenantId: randomUUID() };
    expect(await install(elsewhere)).not.toContain(recognisedText("nl"));
    expect((await chatOf(elsewhere))?.reachCounted).toBe(true);
    expect(await reached()).toBe(before + 1);
  }, 90_000);

  test("a chat that is already a client's stays theirs, the object id a staff member's or not", async () => {
    const { staff } = await signedInWithEntra();
    const invite = await bed.app.db.programme.findUniqueOrThrow({ where: { slug: programmeSlug } });
    const client: TeamsUser = { ...teamsUser("en-US", "Ion"), tenantId: provider.tenantId };
    await onboardWithCode(bed, client, invite.inviteCode ?? "");
    // Later the same person is given a staff account and signs in with Entra.
    await bed.app.db.counsellor.update({
      where: { id: staff.id },
      data: { entraObjectId: client.aadObjectId, entraTenantId: provider.tenantId },
    });
    const from = bed.fake.sent.length;
    expect((await post(bed, message(bed, client, "/help"))).statusCode).toBe(200);
    const answers = await waitFor(() => {
      const sent = sentTo(bed, client, from);
      return sent.length ? sent : undefined;
    }, "the help menu");
    expect(answers.map((m) => m.text)).not.toContain(recognisedText("nl"));
    expect((await chatOf(client))?.clientId).not.toBeNull();
  }, 90_000);
});
