/**
 * The voice recordings (VoiceRecording): one per (client language, message key), recorded by one
 * staff member and approved by another before any client hears it. Global, like the texts in
 * locales/: they hold the bot's words, no client data. Replacing a recording makes it wait for
 * approval again and forgets Telegram's copy of the old one.
 */
import { z } from "zod";
import { CLIENT_LOCALES } from "../../i18n/translator.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import type { StaffIdentity } from "../staff/staff-identity.ts";
import { readVoiceAudio } from "./voice-audio.ts";

/**
 * Which recording: a client language and one of the keys `isKey` accepts (the deployment's
 * VoiceKeys, src/domain/voice/voice-keys.ts).
 */
export const voiceSlotSchema = (isKey: (key: string) => boolean) =>
  z.object({
    locale: z.enum(CLIENT_LOCALES),
    messageKey: z.string().max(200).refine(isKey, "not a message the console records"),
  });
export type VoiceSlot = z.infer<ReturnType<typeof voiceSlotSchema>>;

/** A recording as the console lists it (no bytes). */
export interface VoiceRecordingSummary {
  id: string;
  locale: string;
  messageKey: string;
  durationMs: number;
  recordedById: string;
  approvedById: string | null;
  approvedAt: Date | null;
  /** Changes with every new recording of the slot: an approval names the one listened to. */
  updatedAt: Date;
}

const SUMMARY = {
  id: true,
  locale: true,
  messageKey: true,
  durationMs: true,
  recordedById: true,
  approvedById: true,
  approvedAt: true,
  updatedAt: true,
} as const;

/**
 * Stores `bytes` as the recording of `slot` by `staffId` (checked, webm remuxed to ogg); waits for
 * approval. `isKey` says which message keys this deployment records.
 */
export async function saveVoiceRecording(
  db: Db,
  input: { slot: unknown; bytes: Uint8Array; staffId: string },
  isKey: (key: string) => boolean,
): Promise<VoiceRecordingSummary> {
  const slot = parseInput(voiceSlotSchema(isKey), input.slot);
  const read = await readVoiceAudio(input.bytes);
  if (!read.ok) {
    throw new DomainError(`The recording was refused: ${read.error}.`, { code: `voice_${read.error}` });
  }
  const data = {
    audio: read.audio,
    mimeType: read.mimeType,
    durationMs: read.durationMs,
    recordedById: input.staffId,
    approvedById: null,
    approvedAt: null,
    telegramFileIds: {},
  };
  return db.voiceRecording.upsert({
    where: { locale_messageKey: slot },
    create: { ...slot, ...data },
    update: data,
    select: SUMMARY,
  });
}

/**
 * Approves recording `id` as `staffId`, who must not be the one who recorded it; with `version`
 * (the updatedAt listened to), only if it was not replaced since.
 */
export async function approveVoiceRecording(
  db: Db,
  id: string,
  staffId: string,
  version?: Date,
): Promise<VoiceRecordingSummary> {
  const found = await db.voiceRecording.findUnique({ where: { id }, select: SUMMARY });
  if (!found) throw new DomainError("No such recording.", { code: "voice_not_found" });
  if (found.recordedById === staffId) {
    throw new DomainError("A second person must listen to the recording and approve it.", {
      code: "voice_own_recording",
    });
  }
  if (found.approvedAt) return found;
  // Only the bytes listened to: a recording replaced meanwhile is not approved.
  const { count } = await db.voiceRecording.updateMany({
    where: { id, updatedAt: version ?? found.updatedAt, approvedAt: null },
    data: { approvedById: staffId, approvedAt: new Date() },
  });
  if (count === 0) throw new DomainError("The recording changed; listen again.", { code: "voice_changed" });
  return db.voiceRecording.findUniqueOrThrow({ where: { id }, select: SUMMARY });
}

/** Who may delete a recording: the one whose voice it is, or a coordinator of their organisation. */
export function mayDeleteRecording(
  staff: StaffIdentity,
  recording: { recordedById: string },
  recorderOrganisationId: string | null,
): boolean {
  if (recording.recordedById === staff.staffId) return true;
  return staff.role === "coordinator" && recorderOrganisationId === staff.organisationId;
}

/**
 * Deletes the recording of `id` (the language's voice of that message goes with it), as `staff`:
 * refused (voice_not_yours) to anyone but its recorder and their organisation's coordinators.
 * Recordings are shared by every organisation of the deployment; one organisation's staff cannot
 * take away another's work, nor a colleague's voice without a coordinator.
 */
export async function deleteVoiceRecording(db: Db, id: string, staff: StaffIdentity): Promise<void> {
  const found = await db.voiceRecording.findUnique({ where: { id }, select: { recordedById: true } });
  if (!found) return;
  const recorder = await db.counsellor.findUnique({
    where: { id: found.recordedById },
    select: { organisationId: true },
  });
  if (!mayDeleteRecording(staff, found, recorder?.organisationId ?? null))
    throw new DomainError("Only the person who recorded it, or a coordinator, may delete it.", {
      code: "voice_not_yours",
    });
  await db.voiceRecording.deleteMany({ where: { id } });
}

/** Every recording of `locale`, without bytes. */
export function listVoiceRecordings(db: Db, locale: string): Promise<VoiceRecordingSummary[]> {
  return db.voiceRecording.findMany({ where: { locale }, select: SUMMARY, orderBy: { messageKey: "asc" } });
}

/** The bytes of recording `id`; `approvedOnly` for what clients may hear. */
export async function voiceAudio(
  db: Db,
  id: string,
  approvedOnly: boolean,
): Promise<{ audio: Uint8Array; mimeType: string } | null> {
  return db.voiceRecording.findFirst({
    where: { id, ...(approvedOnly ? { approvedAt: { not: null } } : {}) },
    select: { audio: true, mimeType: true },
  });
}

/**
 * The approved recordings as the Telegram sender takes them (its VoiceNoteSource), with the
 * file_id cache per bot.
 */
export function telegramVoiceNotes(db: Db) {
  return {
    async find(id: string, botId: string) {
      const found = await db.voiceRecording.findFirst({
        where: { id, approvedAt: { not: null } },
        select: { telegramFileIds: true, updatedAt: true, durationMs: true },
      });
      if (!found) return null;
      const fileId = (found.telegramFileIds as Record<string, unknown>)[botId];
      const { updatedAt: version, durationMs } = found;
      return { ...(typeof fileId === "string" ? { fileId } : {}), version, durationMs };
    },
    async audio(id: string) {
      return (await voiceAudio(db, id, true))?.audio ?? null;
    },
    // Plain SQL: the cache is not a new version of the recording (updatedAt stays).
    async remember(id: string, botId: string, fileId: string, version: Date) {
      await db.$executeRaw`
        UPDATE "VoiceRecording" SET "telegramFileIds" = "telegramFileIds" || jsonb_build_object(${botId}::text, ${fileId}::text)
         WHERE id = ${id} AND "updatedAt" = ${version}`;
    },
    async forget(id: string, botId: string) {
      await db.$executeRaw`UPDATE "VoiceRecording" SET "telegramFileIds" = "telegramFileIds" - ${botId}::text WHERE id = ${id}`;
    },
  };
}
