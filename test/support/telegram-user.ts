/**
 * A person chatting with the bot on Telegram, for end-to-end tests: types text and taps buttons
 * through the app's webhook, and reads what the bot sent to their chat on the fake Bot API server.
 */
import { randomInt } from "node:crypto";
import { expect } from "vitest";
import type { App } from "../../src/app.ts";
import { callbackUpdate, type FakeTelegram, privateTextUpdate } from "./fake-telegram.ts";
import { postUpdate } from "./test-app.ts";

export interface BotMessage {
  text: string;
  buttons: { text: string; data: string; url?: string }[];
  /** The keyboard's rows as Telegram shows them (button texts). */
  rows: string[][];
  /** Telegram's message_id (the fake numbers each chat's messages 1, 2, 3, …). */
  messageId: number;
}

export class TelegramUser {
  readonly userId: number;
  private nextMessageId = 1;
  private read = 0;

  private readonly app: App;
  private readonly telegram: FakeTelegram;
  private readonly languageCode: string | undefined;

  /** A new person, or (with `userId`) the same person again, e.g. after the app restarted. */
  constructor(app: App, telegram: FakeTelegram, languageCode?: string, userId?: number) {
    this.app = app;
    this.telegram = telegram;
    this.languageCode = languageCode;
    this.userId = userId ?? randomInt(10_000_000, 2_000_000_000);
    this.read = this.all().length;
    this.nextMessageId = 1_000 + this.read;
  }

  /** Everything the bot has sent to this chat. */
  all(): BotMessage[] {
    return this.telegram
      .sent()
      .filter((p) => String(p.chat_id) === String(this.userId))
      .map((p, index) => {
        const keyboard =
          (
            p.reply_markup as
              | { inline_keyboard?: { text: string; callback_data: string; url?: string }[][] }
              | undefined
          )?.inline_keyboard ?? [];
        return {
          text: String(p.text),
          buttons: keyboard
            .flat()
            .map((b) => ({ text: b.text, data: b.callback_data, ...(b.url ? { url: b.url } : {}) })),
          rows: keyboard.map((row) => row.map((b) => b.text)),
          messageId: index + 1,
        };
      });
  }

  /** Messages the bot sent since the last call. */
  private fresh(): BotMessage[] {
    const all = this.all();
    const fresh = all.slice(this.read);
    this.read = all.length;
    return fresh;
  }

  /** Types `text`; returns the bot's replies. */
  async say(text: string): Promise<BotMessage[]> {
    const update = privateTextUpdate({
      userId: this.userId,
      text,
      messageId: this.nextMessageId++,
      ...(this.languageCode ? { languageCode: this.languageCode } : {}),
    });
    const response = await postUpdate(this.app, update);
    expect(response.statusCode).toBe(200);
    return this.fresh();
  }

  /**
   * Taps a button on the bot's message `message` itself (its real message_id, so the bot can
   * update that message in place); returns the new messages the bot sent.
   */
  async tapOn(message: BotMessage, data: string): Promise<BotMessage[]> {
    const response = await postUpdate(
      this.app,
      callbackUpdate({ userId: this.userId, data, messageId: message.messageId }),
    );
    expect(response.statusCode).toBe(200);
    return this.fresh();
  }

  /** Taps the button of the latest bot message whose data or text matches; returns the replies. */
  async tap(match: string | RegExp): Promise<BotMessage[]> {
    const withButtons = this.all().filter((m) => m.buttons.length > 0);
    const latest = withButtons.at(-1);
    const button = latest?.buttons.find((b) =>
      typeof match === "string" ? b.data === match : match.test(b.text),
    );
    if (!button) throw new Error(`no button ${match} in ${JSON.stringify(latest?.buttons)}`);
    const response = await postUpdate(
      this.app,
      callbackUpdate({ userId: this.userId, data: button.data, messageId: this.nextMessageId++ }),
    );
    expect(response.statusCode).toBe(200);
    return this.fresh();
  }
}
