import { describe, expect, it } from "vitest";
import { inlineKeyboard, renderMessage, toChatId } from "../../../src/channels/telegram/render.ts";
import { SendError } from "../../../src/channels/types.ts";

const message = { text: "Do you agree?", locale: "en", direction: "ltr" as const };

describe("renderMessage", () => {
  it("sends plain text without a keyboard when there are no choices", () => {
    expect(renderMessage(message)).toEqual({ text: "Do you agree?" });
    expect(renderMessage({ ...message, choices: [] })).toEqual({ text: "Do you agree?" });
  });

  it("puts short labels two per row, callback data = choice id", () => {
    const markup = inlineKeyboard([
      { id: "yes", label: "✅ Yes" },
      { id: "no", label: "❌ No" },
      { id: "later", label: "⏰ Later" },
    ]);
    expect(markup.inline_keyboard).toEqual([
      [
        { text: "✅ Yes", callback_data: "yes" },
        { text: "❌ No", callback_data: "no" },
      ],
      [{ text: "⏰ Later", callback_data: "later" }],
    ]);
  });

  it("puts navigation on one last row of its own, after the answers", () => {
    const markup = inlineKeyboard([
      { id: "q:a", label: "🚶 On foot" },
      { id: "nav:back", label: "↩️ Back", kind: "nav" },
      { id: "q:b", label: "🚲 Bike" },
      { id: "nav:restart", label: "🔄 Start again", kind: "nav" },
      { id: "nav:counsellor", label: "🙋 My counsellor", kind: "nav" },
    ]);
    expect(
      markup.inline_keyboard.map((row) => row.map((b) => (b as { callback_data: string }).callback_data)),
    ).toEqual([
      ["q:a", "q:b"],
      ["nav:back", "nav:restart", "nav:counsellor"],
    ]);
  });

  it("mirrors every row right to left: back is at the right in Arabic", () => {
    const markup = inlineKeyboard(
      [
        { id: "q:yes", label: "✅ نعم" },
        { id: "q:no", label: "❌ لا" },
        { id: "nav:back", label: "↪️ رجوع", kind: "nav" },
        { id: "nav:restart", label: "🔄 ابدأ من جديد", kind: "nav" },
      ],
      "rtl",
    );
    expect(markup.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["❌ لا", "✅ نعم"],
      ["🔄 ابدأ من جديد", "↪️ رجوع"],
    ]);
    expect(
      renderMessage({
        text: "?",
        locale: "ar",
        direction: "rtl",
        choices: [
          { id: "q:yes", label: "✅ نعم" },
          { id: "q:no", label: "❌ لا" },
        ],
      }).reply_markup?.inline_keyboard[0]?.[0]?.text,
    ).toBe("❌ لا");
  });

  it("puts every button on its own row when any label is long", () => {
    const markup = inlineKeyboard([
      { id: "a", label: "OK" },
      { id: "b", label: "I have a residence permit" },
      { id: "c", label: "No" },
    ]);
    expect(markup.inline_keyboard.map((row) => row.length)).toEqual([1, 1, 1]);
  });

  it("counts characters, not bytes, for label length (Arabic, Bulgarian)", () => {
    const markup = inlineKeyboard([
      { id: "ar", label: "العربية" },
      { id: "bg", label: "Български език" },
    ]);
    expect(markup.inline_keyboard).toHaveLength(1);
  });

  it("accepts a 64-byte choice id and rejects a 65-byte one", () => {
    expect(() => inlineKeyboard([{ id: "x".repeat(64), label: "ok" }])).not.toThrow();
    const tooLong = `${"x".repeat(63)}é`; // 63 + 2 bytes
    expect(() => inlineKeyboard([{ id: tooLong, label: "ok" }])).toThrowError(/65 bytes/);
    try {
      inlineKeyboard([{ id: tooLong, label: "ok" }]);
    } catch (error) {
      expect(error).toBeInstanceOf(SendError);
      expect((error as SendError).kind).toBe("permanent");
    }
  });

  it("sends to numeric chat ids as numbers and usernames as strings", () => {
    expect(toChatId("-1001234567890")).toBe(-1001234567890);
    expect(toChatId("42")).toBe(42);
    expect(toChatId("@some_channel")).toBe("@some_channel");
  });
});
