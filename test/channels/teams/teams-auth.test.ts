/**
 * Every request to POST /api/messages carries a Bot Framework token, checked against the fake
 * Bot Framework's OpenID keys: a forged one is refused with 401, and nothing is stored, run or sent.
 * Without MICROSOFT_APP_ID the route does not exist.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Forgery } from "../../support/fake-bot-framework.ts";
import { startTestApp } from "../../support/test-app.ts";
import { message, post, startTeamsTestBed, type TeamsTestBed, teamsUser } from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed();
});
afterAll(() => bed?.close());

const conversationOf = (conversationId: string) =>
  bed.app.db.conversation.findUnique({
    where: { channel_externalConversationId: { channel: "teams", externalConversationId: conversationId } },
  });

describe("a forged or missing token gets nothing", () => {
  const forgeries: Forgery[] = [
    "unknown-key",
    "same-kid-wrong-signature",
    "wrong-audience",
    "expired-beyond-skew",
    "service-url-mismatch",
    "wrong-issuer",
  ];
  test.each(forgeries)("%s → 401", async (how) => {
    const user = teamsUser();
    const before = bed.fake.attempts.length;
    const response = await post(bed, message(bed, user, "/start"), await bed.fake.forgeToken(how));
    expect(response.statusCode).toBe(401);
    expect(await conversationOf(user.conversationId)).toBeNull();
    expect(bed.fake.attempts.length).toBe(before);
  });

  test("no Authorization header → 401", async () => {
    const user = teamsUser();
    const attempts = bed.fake.attempts.length;
    const activity = message(bed, user, "/start");
    const response = await post(bed, activity, null);
    expect(response.statusCode).toBe(401);
    expect(await conversationOf(user.conversationId)).toBeNull();
    // Nothing stored of it (other test files write messages meanwhile: only this activity's count).
    const stored = { idempotencyKey: { contains: String((activity as { id?: unknown }).id) } };
    expect(await bed.app.db.message.count({ where: stored })).toBe(0);
    expect(bed.fake.attempts.length).toBe(attempts);
  });

  test("a body that is no activity → 400, before any token check", async () => {
    const response = await post(bed, { hello: "world" });
    expect(response.statusCode).toBe(400);
  });
});

describe("a valid token", () => {
  test("2 minutes past its expiry is still accepted (5 minutes of clock skew)", async () => {
    const user = teamsUser();
    const before = bed.fake.sent.length;
    const response = await post(
      bed,
      message(bed, user, "/start"),
      await bed.fake.signToken({ expiresInSeconds: -120 }),
    );
    expect(response.statusCode).toBe(200);
    expect(await conversationOf(user.conversationId)).not.toBeNull();
    expect(bed.fake.sent.length).toBeGreaterThan(before);
    // The reply went with the token the login host issued for the bot.
    expect(bed.fake.sent.at(-1)?.authorization).toBe(`Bearer ${bed.fake.issuedTokens.at(-1)}`);
  });
});

test("without MICROSOFT_APP_ID there is no /api/messages (404)", async () => {
  const app = await startTestApp();
  try {
    const response = await app.http.inject({ method: "POST", url: "/api/messages", payload: {} });
    expect(response.statusCode).toBe(404);
  } finally {
    await app.close();
  }
});
