import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { parseUpdate } from "../../../src/channels/telegram/updates.ts";
import { callbackUpdate, privateTextUpdate } from "../../support/fake-telegram.ts";

const at = new Date("2025-03-01T10:00:00Z");
const withId = (update: object, id = 7) => ({ update_id: id, ...update }) as Update;
/** The message for the core, or undefined when the update is not one. */
function toInboundMessage(raw: unknown, receivedAt: Date) {
  const parsed = parseUpdate(raw, receivedAt);
  return parsed.kind === "inbound" ? parsed.message : undefined;
}

describe("toInboundMessage", () => {
  it("normalises a private text message", () => {
    const update = withId(
      privateTextUpdate({ userId: 501, text: "/start abc", messageId: 9, languageCode: "ro" }),
    );
    expect(toInboundMessage(update, at)).toEqual({
      channel: "telegram",
      externalUserId: "501",
      externalConversationId: "501",
      externalMessageId: "message:501:9",
      text: "/start abc",
      localeHint: "ro",
      displayName: "Ana",
      receivedAt: at,
    });
  });

  it("normalises a button tap to a choice id", () => {
    const update = withId(callbackUpdate({ userId: 501, data: "consent.accept", callbackId: "q1" }));
    const inbound = toInboundMessage(update, at);
    expect(inbound).toMatchObject({ choiceId: "consent.accept", externalMessageId: "callback:q1" });
    expect(inbound?.text).toBeUndefined();
  });

  it("ignores groups, photos and edits", () => {
    const text = privateTextUpdate({ userId: 501, text: "hi" });
    const group = withId({ message: { ...text.message, chat: { id: -100, type: "group", title: "g" } } });
    const { text: _dropped, ...photoMessage } = text.message ?? {};
    const photo = withId({ message: { ...photoMessage, photo: [] } });
    const edit = withId({ edited_message: { ...text.message, edit_date: 1 } });
    expect(toInboundMessage(group, at)).toBeUndefined();
    expect(toInboundMessage(photo, at)).toBeUndefined();
    expect(toInboundMessage(edit, at)).toBeUndefined();
  });

  it("gives a replayed update the same id", () => {
    const update = withId(privateTextUpdate({ userId: 3, text: "hi", messageId: 4 }));
    expect(toInboundMessage(update, at)?.externalMessageId).toBe(
      toInboundMessage(structuredClone(update), new Date())?.externalMessageId,
    );
  });
});
