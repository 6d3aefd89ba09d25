/**
 * Which messages get a voice note (src/store/voice-notes.ts): only for a conversation that asked
 * for voice, not on Teams, only a message with a key that has an approved recording in the
 * message's language, never an update in place; the note comes right after its message, keyed
 * `<key>:voice`. And every curated key has a text in every client language to record.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { OutboundMessage } from "../../src/channels/types.ts";
import { voiceKeys } from "../../src/domain/voice/voice-keys.ts";
import { approveVoiceRecording, saveVoiceRecording } from "../../src/domain/voice/voice-recordings.ts";
import { loadFlows } from "../../src/flows/flow-registry.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { withVoiceNotes } from "../../src/store/voice-notes.ts";
import { testDb, uid } from "../support/db.ts";

const db = testDb();
const flows = await loadFlows("flows");
const { groups, keys: recordable, isKey } = voiceKeys(flows);
const webm = new Uint8Array(readFileSync(new URL("../fixtures/voice/hello.webm", import.meta.url)));
let recordingId: string;

beforeAll(async () => {
  const slot = { locale: "ro", messageKey: "checkin.thanks" };
  recordingId = (await saveVoiceRecording(db, { slot, bytes: webm, staffId: "a" }, isKey)).id;
  await approveVoiceRecording(db, recordingId, "b");
  // Recorded, never approved.
  await saveVoiceRecording(
    db,
    {
      slot: { locale: "ro", messageKey: "checkin.how_is_work" },
      bytes: webm,
      staffId: "a",
    },
    isKey,
  );
});
afterAll(() => db.$disconnect());

const conversation = (channel: "telegram" | "teams" | "webchat", voiceNotes: boolean) =>
  db.conversation.create({
    data: { channel, externalConversationId: uid(), externalUserId: uid(), voiceNotes },
    select: { id: true },
  });

const item = (
  conversationId: string,
  messageKey: string | undefined,
  extra: Partial<OutboundMessage> = {},
) => ({
  conversationId,
  idempotencyKey: `k:${uid()}`,
  messageKey,
  message: { text: "…", locale: "ro", direction: "ltr" as const, ...extra },
});

test("a voice note follows each message that has an approved recording, for those who asked, not on Teams", async () => {
  const wants = await conversation("telegram", true);
  const items = [
    item(wants.id, "checkin.thanks"),
    item(wants.id, "checkin.how_is_work"), // not approved
    item(wants.id, undefined), // a counsellor's own words
    item(wants.id, "checkin.thanks", { replaces: "17" }), // a question updated in place
    item(wants.id, "checkin.thanks", { locale: "bg" }), // no Bulgarian recording
    item((await conversation("telegram", false)).id, "checkin.thanks"),
    item((await conversation("teams", true)).id, "checkin.thanks"),
    item((await conversation("webchat", true)).id, "checkin.thanks"),
  ];
  const out = await withVoiceNotes(db, items);
  const voiced = out.filter((o) => o.message.voice);
  expect(voiced.map((o) => [o.conversationId, o.messageKey, o.message.voice])).toEqual([
    [items[0]?.conversationId, "checkin.thanks:voice", recordingId],
    [items[7]?.conversationId, "checkin.thanks:voice", recordingId],
  ]);
  // Right after its message, keyed after it.
  expect(out[1]?.idempotencyKey).toBe(`${items[0]?.idempotencyKey}:voice`);
  expect(out.at(-1)?.idempotencyKey).toBe(`${items[7]?.idempotencyKey}:voice`);
  expect(out).toHaveLength(items.length + 2);
});

test("every message worth voicing has a text in every client language", async () => {
  const translator = await createTranslator({
    localesDir: new URL("../../locales", import.meta.url).pathname,
  });
  for (const key of recordable)
    for (const locale of CLIENT_LOCALES)
      expect(translator.has(key, locale), `${key} in ${locale}`).toBe(true);
});

test("every question and message of the questionnaire (flows/self-assessment.yaml) is recordable", async () => {
  const keys = flows
    .latest("self_assessment")
    .steps.flatMap((s) => ("prompt" in s ? [s.prompt] : "text" in s && s.text ? [s.text] : []));
  expect(keys.length).toBeGreaterThan(20);
  expect(keys.filter((k) => !isKey(k))).toEqual([]);
  // Grouped by flow file for the console, each key once.
  const group = groups.find((g) => g.file === "flows/self-assessment.yaml");
  expect(group?.keys).toEqual(expect.arrayContaining(keys));
  expect(new Set(recordable).size).toBe(recordable.length);
  // The page's order: the onboarding, then the questionnaire, the other flows, the messages of no flow.
  expect(groups.map((g) => g.file)).toEqual([
    "flows/onboarding.yaml",
    "flows/self-assessment.yaml",
    "flows/alerts.yaml",
    "flows/erase.yaml",
    "flows/language.yaml",
    "flows/retention-checkin.yaml",
    "flows/voice.yaml",
    undefined,
  ]);
});

test("what was recordable before stays recordable (onboarding, help menu, reminders, check-ins, job alerts)", () => {
  const before = [
    "onboarding.welcome",
    "onboarding.consent_notice",
    "onboarding.declined",
    "onboarding.linked",
    "onboarding.lead",
    "assessment.offer_prompt",
    "assessment.intro",
    "commands.help",
    "commands.privacy",
    "commands.delete_confirm",
    "common.nothing_to_do",
    "appointments.created",
    "appointments.reminder",
    "appointments.moved",
    "appointments.cancelled",
    "checkin.how_is_work",
    "checkin.still_working_prompt",
    "checkin.wants_help_prompt",
    "checkin.thanks",
    "jobs.alert",
    "jobs.alert_cv",
    "jobs.alerts_prompt",
    "voice.prompt",
  ];
  expect(before.filter((k) => !isKey(k))).toEqual([]);
});
