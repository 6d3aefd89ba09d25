/**
 * The voice recordings' door (issue #16 §4): only OGG or WebM Opus within 1 MB and 60 s is kept,
 * WebM is remuxed to OGG/Opus without re-encoding, and only a second person may approve.
 */
import { readFileSync } from "node:fs";
import { afterAll, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { containerOf, readVoiceAudio, VOICE_MAX_BYTES } from "../../../src/domain/voice/voice-audio.ts";
import { voiceKeys } from "../../../src/domain/voice/voice-keys.ts";
import {
  approveVoiceRecording,
  deleteVoiceRecording,
  saveVoiceRecording,
  voiceAudio,
} from "../../../src/domain/voice/voice-recordings.ts";
import { loadFlows } from "../../../src/flows/flow-registry.ts";
import { testDb } from "../../support/db.ts";
import { staffMember } from "../../support/staff.ts";
import { organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
const { isKey } = voiceKeys(await loadFlows("flows"));
afterAll(() => db.$disconnect());

const webm = new Uint8Array(readFileSync(new URL("../../fixtures/voice/hello.webm", import.meta.url)));
const ogg = new Uint8Array(readFileSync(new URL("../../fixtures/voice/hello.ogg", import.meta.url)));

test("WebM/Opus from a browser is remuxed to OGG/Opus, with its duration", async () => {
  const read = await readVoiceAudio(webm);
  if (!read.ok) throw new Error(read.error);
  expect(containerOf(read.audio)).toBe("ogg");
  expect(read.mimeType).toBe("audio/ogg");
  expect(read.durationMs).toBeGreaterThan(1000);
  expect(read.durationMs).toBeLessThan(2000);
  // Remuxed, not re-encoded: about the same size (the packets are copied).
  expect(Math.abs(read.audio.length - webm.length)).toBeLessThan(webm.length / 2);
  const again = await readVoiceAudio(ogg);
  expect(again.ok && containerOf(again.audio)).toBe("ogg");
});

test("bytes that are not OGG or WebM, too large, too long or broken are refused", async () => {
  const wav = new Uint8Array(Buffer.from("RIFF\u0000\u0000\u0000\u0000WAVEfmt "));
  expect(await readVoiceAudio(wav)).toEqual({ ok: false, error: "format" });
  expect(await readVoiceAudio(new Uint8Array())).toEqual({ ok: false, error: "empty" });
  const big = new Uint8Array(VOICE_MAX_BYTES + 1);
  big.set(ogg.subarray(0, 4));
  expect(await readVoiceAudio(big)).toEqual({ ok: false, error: "too_large" });
  expect(await readVoiceAudio(webm, { maxMs: 500 })).toEqual({ ok: false, error: "too_long" });
  const broken = webm.slice(0, 40);
  expect((await readVoiceAudio(broken)).ok).toBe(false);
});

test("the store refuses bad bytes with a coded error and an unknown key or language", async () => {
  const wav = new Uint8Array(Buffer.from("RIFFxxxxWAVE"));
  const refused = saveVoiceRecording(
    db,
    {
      slot: { locale: "rom", messageKey: "onboarding.welcome" },
      bytes: wav,
      staffId: "s1",
    },
    isKey,
  );
  await expect(refused).rejects.toMatchObject({ code: "voice_format" });
  await expect(
    saveVoiceRecording(
      db,
      {
        slot: { locale: "de", messageKey: "onboarding.welcome" },
        bytes: ogg,
        staffId: "s1",
      },
      isKey,
    ),
  ).rejects.toBeInstanceOf(DomainError);
  await expect(
    saveVoiceRecording(
      db,
      { slot: { locale: "rom", messageKey: "no.such_key" }, bytes: ogg, staffId: "s1" },
      isKey,
    ),
  ).rejects.toBeInstanceOf(DomainError);
});

test("the recorder cannot approve; a second person can; clients hear only approved ones", async () => {
  const slot = { locale: "fr", messageKey: "commands.help" }; // a slot no other test file uses
  const saved = await saveVoiceRecording(db, { slot, bytes: webm, staffId: "recorder" }, isKey);
  expect(saved.approvedAt).toBeNull();
  expect(await voiceAudio(db, saved.id, true)).toBeNull();
  expect((await voiceAudio(db, saved.id, false))?.mimeType).toBe("audio/ogg");
  await expect(approveVoiceRecording(db, saved.id, "recorder")).rejects.toMatchObject({
    code: "voice_own_recording",
  });
  const approved = await approveVoiceRecording(db, saved.id, "second", saved.updatedAt);
  expect(approved.approvedById).toBe("second");
  const heard = await voiceAudio(db, saved.id, true);
  expect(heard && containerOf(heard.audio)).toBe("ogg");

  // A new recording of the same slot waits for approval again; an approval of the old one fails.
  const replaced = await saveVoiceRecording(db, { slot, bytes: ogg, staffId: "second" }, isKey);
  expect(replaced.id).toBe(saved.id);
  expect(replaced.approvedAt).toBeNull();
  await expect(approveVoiceRecording(db, saved.id, "recorder", saved.updatedAt)).rejects.toMatchObject({
    code: "voice_changed",
  });
  await deleteVoiceRecording(db, saved.id, {
    staffId: "second",
    organisationId: "-",
    role: "counsellor",
    locale: "en",
  });
  expect(await voiceAudio(db, saved.id, false)).toBeNull();
});

test("a recording is deleted by its recorder or a coordinator of their organisation, by nobody else", async () => {
  const slot = { locale: "ro", messageKey: "commands.delete_confirm" }; // a slot no other test file uses
  const [home, other] = [await organisationWithCounsellor(db), await organisationWithCounsellor(db)];
  const recorder = await staffMember(db, home.organisation.slug, "steward");
  const colleague = await staffMember(db, home.organisation.slug, "counsellor");
  const coordinator = await staffMember(db, home.organisation.slug, "coordinator");
  const elsewhere = await staffMember(db, other.organisation.slug, "coordinator");
  const record = () => saveVoiceRecording(db, { slot, bytes: webm, staffId: recorder.id }, isKey);
  const saved = await record();
  await approveVoiceRecording(db, saved.id, colleague.id);
  for (const refused of [colleague, elsewhere]) {
    await expect(deleteVoiceRecording(db, saved.id, refused.identity)).rejects.toMatchObject({
      code: "voice_not_yours",
    });
  }
  expect(await db.voiceRecording.count({ where: { id: saved.id } })).toBe(1);
  await deleteVoiceRecording(db, saved.id, coordinator.identity);
  expect(await db.voiceRecording.count({ where: { id: saved.id } })).toBe(0);
  const again = await record();
  await deleteVoiceRecording(db, again.id, recorder.identity);
  expect(await db.voiceRecording.count({ where: { id: again.id } })).toBe(0);
});
