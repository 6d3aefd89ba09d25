/**
 * Voice notes on Telegram: `sendVoice` (OGG/Opus) with the recording uploaded (multipart) the
 * first time, then with the `file_id` Telegram gave this bot for it, so the bytes go once per bot.
 * A file_id Telegram no longer knows (400) is forgotten and the recording uploaded again.
 */
import { type Api, GrammyError, InputFile } from "grammy";
import { SendError } from "../types.ts";
import { toSendError } from "./errors.ts";

/** Where the voice notes come from (src/domain/voice/voice-recordings.ts, telegramVoiceNotes). */
export interface VoiceNoteSource {
  /** Approved recording `id` with this bot's file_id for it, if any; null when gone or not approved. */
  find(id: string, botId: string): Promise<{ fileId?: string; version: Date; durationMs: number } | null>;
  /** The recording's OGG/Opus bytes, if it is still approved. */
  audio(id: string): Promise<Uint8Array | null>;
  /** Keeps this bot's file_id of the version uploaded (a recording replaced since keeps none). */
  remember(id: string, botId: string, fileId: string, version: Date): Promise<void>;
  forget(id: string, botId: string): Promise<void>;
}

/** Sends recording `id` as a voice note to `chatId`; returns Telegram's message id. */
export async function sendVoiceNote(
  api: Api,
  source: VoiceNoteSource,
  chatId: number | string,
  id: string,
): Promise<string> {
  const botId = api.token.split(":")[0] ?? "";
  const found = await source.find(id, botId);
  if (!found) throw new SendError("permanent", "voice note not sent: the recording is gone or not approved");
  // Its length in whole seconds, so the chat shows it before anything is downloaded.
  const other = { duration: Math.max(1, Math.round(found.durationMs / 1000)) };
  if (found.fileId) {
    try {
      return String((await api.sendVoice(chatId, found.fileId, other)).message_id);
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 400)) throw toSendError(error);
      await source.forget(id, botId);
    }
  }
  const audio = await source.audio(id);
  if (!audio) throw new SendError("permanent", "voice note not sent: the recording is gone or not approved");
  try {
    const sent = await api.sendVoice(chatId, new InputFile(audio, "voice.ogg"), other);
    // Sent is sent: a cache that cannot be written only means one more upload next time.
    const fileId = sent.voice?.file_id;
    if (fileId) await source.remember(id, botId, fileId, found.version).catch(() => undefined);
    return String(sent.message_id);
  } catch (error) {
    throw toSendError(error);
  }
}
