/**
 * The Teams door lets text and names in as the other doors do (channels/inbound-text.ts): a NUL
 * or a lone surrogate in a message or in the person's name is stored and answered normally (a
 * NUL reaching Postgres would answer 500, and Teams would send the activity again and again), and
 * a message is bounded as on Telegram. Real app, real Postgres, fake Bot Framework.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { MAX_INBOUND_TEXT } from "../../../src/channels/inbound-text.ts";
import { posterCode } from "../../domain/fixtures.ts";
import {
  message,
  onboardWithCode,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed();
});
afterAll(() => bed?.close());

test("a NUL and a lone surrogate in a Teams message and name are stored and answered, not a 500", async () => {
  const user = teamsUser("en-US", "Ana\u0000 \ud800");
  await onboardWithCode(bed, user, await posterCode(bed.app.db));
  const conversation = await bed.app.db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: { channel: "teams", externalConversationId: user.conversationId },
    },
    include: { client: true },
  });
  expect((conversation.reference as { user: { name: string } }).user.name).toBe("Ana \ufffd");
  expect(conversation.client?.displayName).toBe("Ana \ufffd");

  const from = bed.fake.sent.length;
  const answered = await post(bed, message(bed, user, "I need\u0000 help \ud83d"));
  expect(answered.statusCode).toBe(200);
  const long = await post(bed, message(bed, user, "x".repeat(MAX_INBOUND_TEXT + 1000)));
  expect(long.statusCode).toBe(200);

  const inbound = await bed.app.db.message.findMany({
    where: { conversationId: conversation.id, direction: "inbound", text: { not: null } },
    orderBy: { id: "desc" },
    take: 2,
  });
  expect(inbound.map((m) => m.text)).toEqual(["x".repeat(MAX_INBOUND_TEXT), "I need help \ufffd"]);
  expect(sentTo(bed, user, from).length).toBeGreaterThan(0); // answered as any message
});
