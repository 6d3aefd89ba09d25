/**
 * Teams test helpers: the real app with the Teams channel pointed at a fake Bot Framework
 * (test/support/fake-bot-framework.ts) through the TEAMS_* overrides, and activities as Teams
 * sends them to POST /api/messages.
 */
import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import type { App } from "../../../src/app.ts";
import { type FakeBotFramework, startFakeBotFramework } from "../../support/fake-bot-framework.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { startTestApp } from "../../support/test-app.ts";

export const APP_PASSWORD = "test-app-password";

export interface TeamsTestBed {
  app: App;
  fake: FakeBotFramework;
  appId: string;
  close(): Promise<void>;
}

/** The app and the fake, wired; close both in afterAll. */
export async function startTeamsTestBed(options: { telegram?: FakeTelegram } = {}): Promise<TeamsTestBed> {
  const appId = randomUUID();
  const tenantId = randomUUID();
  const fake = await startFakeBotFramework({
    appId,
    appPassword: APP_PASSWORD,
    tenantId,
    issuer: "https://api.botframework.test",
  });
  const app = await startTestApp({
    ...(options.telegram ? { telegram: options.telegram } : {}),
    env: {
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: APP_PASSWORD,
      MICROSOFT_APP_TENANT_ID: tenantId,
      MICROSOFT_APP_TYPE: "SingleTenant",
      TEAMS_OPENID_METADATA_URL: fake.openIdMetadataUrl,
      TEAMS_TOKEN_ISSUER: fake.issuer,
      TEAMS_LOGIN_URL: fake.loginUrl,
    },
  });
  return {
    app,
    fake,
    appId,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** One Teams user in a personal chat with the bot. */
export interface TeamsUser {
  aadObjectId: string;
  conversationId: string;
  name: string;
  locale: string;
}

export function teamsUser(locale = "en-US", name = "Ana"): TeamsUser {
  return { aadObjectId: randomUUID(), conversationId: `a:${randomUUID()}`, name, locale };
}

/** An activity from `user` as Teams sends it; `fields` override or add. */
export function activityFrom(bed: TeamsTestBed, user: TeamsUser, fields: Record<string, unknown>) {
  return {
    id: `f:${randomUUID()}`,
    channelId: "msteams",
    serviceUrl: bed.fake.serviceUrl,
    timestamp: new Date().toISOString(),
    locale: user.locale,
    from: { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: `28:${bed.appId}`, name: "Bot" },
    conversation: { id: user.conversationId, conversationType: "personal", tenantId: "tenant-1" },
    channelData: { tenant: { id: "tenant-1" } },
    ...fields,
  };
}

export const message = (bed: TeamsTestBed, user: TeamsUser, text: string) =>
  activityFrom(bed, user, { type: "message", text, textFormat: "plain" });

export const cardTap = (bed: TeamsTestBed, user: TeamsUser, choiceId: string) =>
  activityFrom(bed, user, { type: "message", value: { choiceId } });

export const installed = (bed: TeamsTestBed, user: TeamsUser) =>
  activityFrom(bed, user, {
    type: "conversationUpdate",
    membersAdded: [
      { id: `28:${bed.appId}` },
      { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId },
    ],
  });

export const uninstalled = (bed: TeamsTestBed, user: TeamsUser) =>
  activityFrom(bed, user, { type: "installationUpdate", action: "remove" });

/** Posts `activity` to /api/messages with `token` (a valid one by default; null: no header). */
export async function post(
  bed: TeamsTestBed,
  activity: Record<string, unknown>,
  token?: string | null,
): Promise<LightMyRequestResponse> {
  const bearer = token === undefined ? await bed.fake.signToken() : token;
  return bed.app.http.inject({
    method: "POST",
    url: "/api/messages",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    payload: activity,
  });
}

/** What the bot sent to `user`'s conversation since index `from`: text or card text, and button data. */
export function sentTo(bed: TeamsTestBed, user: TeamsUser, from = 0) {
  return bed.fake.sent
    .slice(from)
    .filter((s) => s.conversationId === user.conversationId)
    .map(({ activity }) => {
      const card = (activity.attachments as { content: CardContent }[] | undefined)?.[0]?.content;
      return {
        text: (activity.text as string | undefined) ?? card?.body[0]?.text ?? "",
        choices: card?.actions.flatMap((a) => (a.data ? [a.data.choiceId] : [])) ?? [],
        rtl: card?.rtl === true,
      };
    });
}

interface CardContent {
  rtl?: boolean;
  body: { text: string }[];
  actions: { title: string; data?: { choiceId: string }; url?: string }[];
}
