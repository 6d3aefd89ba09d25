/**
 * Voice notes on Telegram (issue #16 §4): a person who taps 🔊 gets, right after each message
 * that has an approved recording in their language, a voice note — uploaded (multipart) the first
 * time, then sent again by the file_id Telegram gave for it. Nobody else gets one, and a
 * recording waiting for approval is never sent.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { voiceKeys } from "../../../src/domain/voice/voice-keys.ts";
import { approveVoiceRecording, saveVoiceRecording } from "../../../src/domain/voice/voice-recordings.ts";
import { posterCode } from "../../domain/fixtures.ts";
import type { RecordedCall } from "../../support/fake-telegram.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";

const webm = new Uint8Array(readFileSync(new URL("../../fixtures/voice/hello.webm", import.meta.url)));

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
  const { isKey } = voiceKeys(bed.app.flows);
  // The Bulgarian privacy notice, recorded and approved by a second person; the welcome only recorded.
  const notice = await saveVoiceRecording(
    bed.app.db,
    {
      slot: { locale: "bg", messageKey: "onboarding.consent_notice" },
      bytes: webm,
      staffId: "steward-1",
    },
    isKey,
  );
  await approveVoiceRecording(bed.app.db, notice.id, "counsellor-2");
  await saveVoiceRecording(
    bed.app.db,
    {
      slot: { locale: "bg", messageKey: "onboarding.welcome" },
      bytes: webm,
      staffId: "steward-1",
    },
    isKey,
  );
  // The questionnaire's first question in Romani, recorded and approved (a flow's prompt key).
  const question = await saveVoiceRecording(
    bed.app.db,
    {
      slot: { locale: "rom", messageKey: "assessment.residence_prompt" },
      bytes: webm,
      staffId: "steward-1",
    },
    isKey,
  );
  await approveVoiceRecording(bed.app.db, question.id, "counsellor-2");
});
afterAll(() => bed?.close());

/** The sendMessage and sendVoice calls to `user`'s chat that succeeded, in order. */
const chatCalls = (user: TelegramUser): RecordedCall[] =>
  bed.telegram.calls.filter(
    (c) =>
      ["sendMessage", "sendVoice"].includes(c.method) &&
      !c.errorCode &&
      String(c.payload.chat_id) === `${user.userId}`,
  );

test("🔊 at the privacy notice: the notice again, then its voice note (uploaded once, then by file_id)", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say("/start");
  await user.tap("language:bg");
  // Before 🔊: the welcome and the notice, no voice note.
  expect(chatCalls(user).some((c) => c.method === "sendVoice")).toBe(false);
  const before = chatCalls(user).length;

  const replies = await user.tap("consent:voice");
  expect(replies.map((r) => r.text)).toEqual([bed.app.translator.t("onboarding.consent_notice", "bg")]);
  const after = chatCalls(user).slice(before);
  expect(after.map((c) => c.method)).toEqual(["sendMessage", "sendVoice"]);
  // The first time: the recording itself, as a multipart file part (OGG/Opus), no file_id.
  expect(after[1]?.payload.voice).toMatchObject({ file: "voice.ogg", magic: "4f676753" });
  expect(after[1]?.payload.duration).toBe("1"); // a multipart field: its length in seconds
  expect((after[1]?.payload.voice as { size?: number } | undefined)?.size).toBeGreaterThan(1000);

  // The same note for another person: by the file_id Telegram gave, no bytes.
  const other = new TelegramUser(bed.app, bed.telegram);
  await other.say("/start");
  await other.tap("language:bg");
  await other.tap("consent:voice");
  const voice = chatCalls(other).filter((c) => c.method === "sendVoice");
  expect(voice.map((c) => c.payload.voice)).toEqual(["voice-file-1"]);

  // Each voice note is its own outbox item, keyed after its text, sent once.
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
    select: { voiceNotes: true, messages: { where: { direction: "outbound" }, orderBy: { id: "asc" } } },
  });
  expect(conversation.voiceNotes).toBe(true);
  const notes = conversation.messages.filter((m) => m.idempotencyKey.endsWith(":voice"));
  expect(notes.map((m) => [m.messageKey, m.status])).toEqual([["onboarding.consent_notice:voice", "sent"]]);
  const [note] = notes;
  const text = conversation.messages.find((m) => `${m.idempotencyKey}:voice` === note?.idempotencyKey);
  expect(text?.messageKey).toBe("onboarding.consent_notice");
  expect(Number(note?.id)).toBeGreaterThan(Number(text?.id));
});

test("an unapproved recording is never sent; /voice turns voice notes off", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say("/start");
  await user.tap("language:bg");
  await user.tap("consent:voice");
  const voiceNotes = () => chatCalls(user).filter((c) => c.method === "sendVoice").length;
  expect(voiceNotes()).toBe(1);
  // Voice on: the welcome (recorded, not approved) and the notice (approved): one voice note.
  await user.say("/start");
  await user.tap("language:bg");
  expect(voiceNotes()).toBe(2);
  const last = chatCalls(user).slice(-2);
  expect(last.map((c) => c.method)).toEqual(["sendMessage", "sendVoice"]);
  expect(last[0]?.payload.text).toBe(bed.app.translator.t("onboarding.consent_notice", "bg"));

  await user.say("/voice");
  await user.tap("voice:no");
  await user.say("/start");
  await user.tap("language:bg");
  expect(voiceNotes()).toBe(2);
});

test("a question of the questionnaire is followed by its voice note for a person who asked for voice", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${await posterCode(bed.app.db)}`); // a programme's poster code: a lead
  await user.tap("language:rom");
  await user.tap("consent:voice");
  await user.tap("consent:accept");
  const before = chatCalls(user).length;
  await user.tap("done:now"); // the questionnaire: now
  const calls = chatCalls(user).slice(before);
  const question = calls.findIndex(
    (c) =>
      c.method === "sendMessage" &&
      c.payload.text === bed.app.translator.t("assessment.residence_prompt", "rom"),
  );
  expect(question).toBeGreaterThanOrEqual(0);
  expect(calls[question + 1]?.method).toBe("sendVoice");
  expect(calls.filter((c) => c.method === "sendVoice")).toHaveLength(1);
});
