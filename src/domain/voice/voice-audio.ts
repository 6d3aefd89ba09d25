/**
 * The bytes of a voice recording, checked before they are stored: OGG (magic bytes `OggS`) or
 * WebM (EBML, `1A 45 DF A3`) holding one Opus track, at most VOICE_MAX_BYTES and VOICE_MAX_MS.
 * WebM (what Chromium's MediaRecorder makes) is remuxed to OGG/Opus with mediabunny, copying the
 * Opus packets (no re-encoding, no WebCodecs), because Telegram's sendVoice takes OGG/Opus only.
 */
import {
  BufferSource,
  BufferTarget,
  Conversion,
  Input,
  OGG,
  OggOutputFormat,
  Output,
  WEBM,
} from "mediabunny";

/** 1 MB: about a minute of speech at the bit rates browsers record. */
export const VOICE_MAX_BYTES = 1024 * 1024;
/** A voice note says one short message: at most a minute. */
export const VOICE_MAX_MS = 60_000;

/** Why bytes were refused; the console shows each in the staff member's language (console.voice_error_<code>). */
export type VoiceAudioError = "format" | "too_large" | "too_long" | "unreadable" | "empty";

export type VoiceAudio =
  | { ok: true; audio: Uint8Array<ArrayBuffer>; mimeType: "audio/ogg"; durationMs: number }
  | { ok: false; error: VoiceAudioError };

const OGG_MAGIC = [0x4f, 0x67, 0x67, 0x53];
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

/** Which container the magic bytes say, or undefined for anything else. */
export function containerOf(bytes: Uint8Array): "ogg" | "webm" | undefined {
  const starts = (magic: number[]) => magic.every((byte, i) => bytes[i] === byte);
  if (starts(OGG_MAGIC)) return "ogg";
  if (starts(EBML_MAGIC)) return "webm";
  return undefined;
}

/** Checks `bytes` and returns them as OGG/Opus with their duration, or why they were refused. */
export async function readVoiceAudio(
  bytes: Uint8Array,
  limits: { maxBytes?: number; maxMs?: number } = {},
): Promise<VoiceAudio> {
  if (bytes.length === 0) return { ok: false, error: "empty" };
  if (bytes.length > (limits.maxBytes ?? VOICE_MAX_BYTES)) return { ok: false, error: "too_large" };
  const container = containerOf(bytes);
  if (!container) return { ok: false, error: "format" };
  try {
    const input = new Input({ source: new BufferSource(bytes), formats: [container === "ogg" ? OGG : WEBM] });
    const track = await input.getPrimaryAudioTrack();
    if (track?.codec !== "opus") return { ok: false, error: "format" };
    const durationMs = Math.round((await input.computeDuration()) * 1000);
    if (durationMs > (limits.maxMs ?? VOICE_MAX_MS)) return { ok: false, error: "too_long" };
    const audio = container === "ogg" ? new Uint8Array(bytes) : await remuxToOgg(input);
    return { ok: true, audio, mimeType: "audio/ogg", durationMs };
  } catch {
    return { ok: false, error: "unreadable" };
  }
}

/** WebM/Opus → OGG/Opus, the packets copied as they are (mediabunny transcodes only when it must). */
async function remuxToOgg(input: Input): Promise<Uint8Array<ArrayBuffer>> {
  const output = new Output({ format: new OggOutputFormat(), target: new BufferTarget() });
  const conversion = await Conversion.init({ input, output, video: { discard: true } });
  if (!conversion.isValid) throw new Error("cannot remux");
  await conversion.execute();
  const buffer = output.target.buffer;
  if (!buffer) throw new Error("nothing written");
  return new Uint8Array(buffer);
}
