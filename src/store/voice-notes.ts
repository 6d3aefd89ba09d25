/**
 * Voice notes in the outbox: for a person who asked for voice (Conversation.voiceNotes), each
 * message whose locale key has an approved VoiceRecording in the message's language is followed by
 * its voice note, written as its own outbound message keyed `<key>:voice`, so it is sent once, in
 * order, within the same limits as every other message. Used by both ways messages are written
 * (the outbox and a turn's replies).
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { DbClient } from "./prisma.ts";

/** A message about to be written: its chat, its key, its locale key and what it says. */
export interface Voiceable {
  conversationId: string;
  idempotencyKey: string;
  messageKey?: string | null;
  message: OutboundMessage;
}

/** For each of `items` that gets a voice note, its index → the recording's id. */
export async function voiceNotesFor(db: DbClient, items: readonly Voiceable[]): Promise<Map<number, string>> {
  // An update of a question in place, a voice note itself or a counsellor's own words: no voice.
  const keyed = items.flatMap((item, index) =>
    item.messageKey && !item.message.replaces && !item.message.voice ? [{ ...item, index }] : [],
  );
  if (!keyed.length) return new Map();
  const rows = await db.$queryRaw<{ index: number; id: string }[]>`
    SELECT u.index, r.id
      FROM unnest(${keyed.map((k) => k.conversationId)}::text[], ${keyed.map((k) => k.messageKey)}::text[],
                  ${keyed.map((k) => k.message.locale)}::text[], ${keyed.map((k) => k.index)}::int[])
           AS u(conversation, key, locale, index)
      JOIN "Conversation" c ON c.id = u.conversation AND c."voiceNotes" AND c.channel <> 'teams'
      JOIN "VoiceRecording" r ON r.locale = u.locale AND r."messageKey" = u.key AND r."approvedAt" IS NOT NULL`;
  return new Map(rows.map((row) => [Number(row.index), row.id]));
}

/** The voice note that follows `item`: recording `recordingId`, keyed `<key>:voice`. */
export function voiceNoteOf<T extends Voiceable>(item: T, recordingId: string): T {
  const { locale, direction } = item.message;
  return {
    ...item,
    idempotencyKey: `${item.idempotencyKey}:voice`,
    messageKey: `${item.messageKey}:voice`,
    message: { text: "🔊", locale, direction, voice: recordingId },
  };
}

/** `items`, each followed by its voice note when it gets one. */
export async function withVoiceNotes<T extends Voiceable>(db: DbClient, items: readonly T[]): Promise<T[]> {
  const notes = await voiceNotesFor(db, items);
  if (!notes.size) return [...items];
  return items.flatMap((item, index) => {
    const recordingId = notes.get(index);
    return recordingId ? [item, voiceNoteOf(item, recordingId)] : [item];
  });
}
