/**
 * Teams test helpers: the real app with the Teams channel pointed at a fake Bot Framework
 * (test/support/fake-bot-framework.ts) through the TEAMS_* overrides, and activities as Teams
 * sends them to POST /api/messages.
 */
import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import {
  type FakeBotFramework,
  type SentActivity,
  startFakeBotFramework,
} from "../../support/fake-bot-framework.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { startTestBed, type TestBed, type TestBedOptions } from "../../support/test-bed.ts";

export const APP_PASSWORD = "test-app-password";

export interface TeamsTestBed extends TestBed {
  fake: FakeBotFramework;
  appId: string;
  /** Closes the app (which stops its workers), the fake Telegram, if any, then the fake Bot Framework. */
  close(): Promise<void>;
}

/** A test bed started with `telegram: true`: the app's Telegram channel talks to `telegram`. */
export interface TeamsTestBedWithTelegram extends TeamsTestBed {
  telegram: FakeTelegram;
}

/** What startTestBed takes; `env` wins over the Teams settings. */
export type TeamsTestBedOptions = TestBedOptions;

/**
 * The general test bed (startTestBed) with a fake Bot Framework started first and the Teams
 * channel pointed at it; `close` in afterAll.
 */
export function startTeamsTestBed(
  options: TeamsTestBedOptions & { telegram: true },
): Promise<TeamsTestBedWithTelegram>;
export function startTeamsTestBed(options?: TeamsTestBedOptions): Promise<TeamsTestBed>;
export async function startTeamsTestBed(
  options: TeamsTestBedOptions = {},
): Promise<TeamsTestBed | TeamsTestBedWithTelegram> {
  const appId = randomUUID();
  const tenantId = randomUUID();
  const fake = await startFakeBotFramework({
    appId,
    appPassword: APP_PASSWORD,
    tenantId,
    issuer: "https://api.botframework.test",
  });
  try {
    const bed = await startTestBed({
      ...options,
      env: { ...teamsEnv(fake, appId, tenantId), ...options.env },
    });
    const close = async () => {
      await bed.close(); // the app and its workers first, while the fake still answers their last sends
      await fake.close();
    };
    return { ...bed, fake, appId, close };
  } catch (error) {
    await fake.close(); // startTestBed closed what it had started; nothing is left behind
    throw error;
  }
}

/** The app's Teams settings for `fake`: its app id, password and tenant, and the TEAMS_* overrides. */
function teamsEnv(fake: FakeBotFramework, appId: string, tenantId: string): Record<string, string> {
  return {
    MICROSOFT_APP_ID: appId,
    MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    MICROSOFT_APP_TENANT_ID: tenantId,
    MICROSOFT_APP_TYPE: "SingleTenant",
    TEAMS_OPENID_METADATA_URL: fake.openIdMetadataUrl,
    TEAMS_TOKEN_ISSUER: fake.issuer,
    TEAMS_LOGIN_URL: fake.loginUrl,
  };
}

/** One Teams user in a personal chat with the bot. */
export interface TeamsUser {
  aadObjectId: string;
  conversationId: string;
  name: string;
  locale: string;
  /** The Microsoft 365 tenant of the chat (default `tenant-1`). */
  tenantId?: string;
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
    conversation: {
      id: user.conversationId,
      conversationType: "personal",
      tenantId: user.tenantId ?? "tenant-1",
    },
    channelData: { tenant: { id: user.tenantId ?? "tenant-1" } },
    ...fields,
  };
}

export const message = (bed: TeamsTestBed, user: TeamsUser, text: string) =>
  activityFrom(bed, user, { type: "message", text, textFormat: "plain" });

/** A tap on a card's button; with `cardId`, on that card (Teams names it in replyToId). */
export const cardTap = (bed: TeamsTestBed, user: TeamsUser, choiceId: string, cardId?: string) =>
  activityFrom(bed, user, { type: "message", value: { choiceId }, ...(cardId ? { replyToId: cardId } : {}) });

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

/** `user` starts with a case's `inviteCode` and taps through onboarding in English ("later" to the questionnaire). */
export async function onboardWithCode(bed: TeamsTestBed, user: TeamsUser, inviteCode: string): Promise<void> {
  const steps = [
    () => message(bed, user, `/start ${inviteCode}`),
    ...["language:en", "consent:accept", "done:later"].map((choice) => () => cardTap(bed, user, choice)),
  ];
  for (const step of steps) {
    const answered = await post(bed, step());
    if (answered.statusCode !== 200) throw new Error(`/api/messages answered ${answered.statusCode}`);
  }
}

/** What the bot sent to `user`'s conversation since index `from`: text or card text, and button data. */
export function sentTo(bed: TeamsTestBed, user: TeamsUser, from = 0) {
  return bed.fake.sent
    .slice(from)
    .filter((s) => s.conversationId === user.conversationId)
    .map(({ activity }) => readActivity(activity));
}

/** An activity as the person sees it: its text (or its card's), the buttons' choice ids and labels. */
export function readActivity(activity: Record<string, unknown>) {
  const card = (activity.attachments as { content: CardContent }[] | undefined)?.[0]?.content;
  const actions = card?.actions ?? [];
  return {
    text: (activity.text as string | undefined) ?? card?.body[0]?.text ?? "",
    choices: actions.flatMap((a) => (a.data ? [a.data.choiceId] : [])),
    labels: actions.map((a) => a.title),
    card: card !== undefined,
    rtl: card?.rtl === true,
  };
}

/** The newest card sent to `user` (a new activity) with a button for `choiceId`. */
export function cardWith(bed: TeamsTestBed, user: TeamsUser, choiceId: string): SentActivity {
  const card = bed.fake.sent.findLast(
    (s) => s.conversationId === user.conversationId && readActivity(s.activity).choices.includes(choiceId),
  );
  if (!card?.id) throw new Error(`no card with ${choiceId} was sent`);
  return card;
}

/** The updates (PUT) of activity `id` since index `from`, as the person sees them. */
export function updatesOf(bed: TeamsTestBed, id: string, from = 0) {
  return bed.fake.updates
    .slice(from)
    .filter((u) => u.id === id)
    .map(({ activity }) => readActivity(activity));
}

interface CardContent {
  rtl?: boolean;
  body: { text: string }[];
  actions: { title: string; data?: { choiceId: string }; url?: string }[];
}
