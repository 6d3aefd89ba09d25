/**
 * The web chat's voice notes: `GET /chat/voice/<recording id>` plays an approved recording
 * (OGG/Opus) in the page's audio player bubble. Anything else — a recording waiting for approval,
 * a deleted one, an id that is no id — is 404. Recordings hold the bot's words, no client data,
 * so the route needs no session; it counts against the address's request limit.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { z } from "zod";
import { voiceAudio } from "../../domain/voice/voice-recordings.ts";
import type { Db } from "../../store/prisma.ts";

const params = z.object({ id: z.string().regex(/^[a-z0-9]{8,40}$/) });

/** Registers `GET /chat/voice/:id` on the web chat's scope. */
export function registerWebchatVoice(
  scope: FastifyInstance,
  db: Db,
  limit: preHandlerAsyncHookHandler,
): void {
  scope.get("/chat/voice/:id", { onRequest: limit }, async (request, reply) => {
    const parsed = params.safeParse(request.params);
    const found = parsed.success ? await voiceAudio(db, parsed.data.id, true) : null;
    if (!found) return reply.code(404).send({ error: "no such voice note" });
    const audio = Buffer.from(found.audio);
    reply
      .header("content-type", found.mimeType)
      .header("cache-control", "private, max-age=3600")
      .header("accept-ranges", "bytes")
      .header("x-content-type-options", "nosniff");
    // A range: the browser reads the end of an OGG file for its duration (else it shows none).
    const range = byteRange(request.headers.range, audio.length);
    if (!range) return reply.send(audio);
    return reply
      .code(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${audio.length}`)
      .send(audio.subarray(range.start, range.end + 1));
  });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size`; anything else: the whole file. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? "");
  if (!match || (!match[1] && !match[2])) return undefined;
  const [first, last] = [match[1] ? Number(match[1]) : undefined, match[2] ? Number(match[2]) : undefined];
  const start = first ?? Math.max(0, size - (last ?? 0));
  const end = first === undefined ? size - 1 : Math.min(last ?? size - 1, size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}
