import { expect, test } from "vitest";
import { createWebchatSender } from "../../../src/channels/webchat/webchat-sender.ts";

test("the web chat sender accepts every message with a fresh id, delivering nothing itself", async () => {
  const sender = createWebchatSender();
  expect(sender.channel).toBe("webchat");
  const address = {
    channel: "webchat" as const,
    externalConversationId: "s".repeat(22),
    externalUserId: "s".repeat(22),
  };
  const message = { text: "Hello", locale: "en", direction: "ltr" as const };
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) ids.add((await sender.send(address, message)).externalMessageId);
  expect(ids.size).toBe(50);
});
