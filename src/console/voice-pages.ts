/**
 * Voice recordings in the console (`/console/voice`, every staff role): per client language, the
 * messages worth voicing with their text; record with the browser's microphone, listen, upload
 * (`POST /console/voice/<locale>/<key>`, the raw audio, at most VOICE_MAX_BYTES — fastify's body
 * limit — then checked and remuxed by the domain); a second person listens and approves; its
 * recorder or a coordinator of their organisation may delete it. Recordings are global (the bot's words, no client data); recorders' and approvers'
 * names are shown only to staff of their own organisation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DomainError } from "../domain/errors.ts";
import { VOICE_MAX_BYTES } from "../domain/voice/voice-audio.ts";
import {
  approveVoiceRecording,
  deleteVoiceRecording,
  listVoiceRecordings,
  saveVoiceRecording,
  voiceAudio,
  voiceSlotSchema,
} from "../domain/voice/voice-recordings.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { voiceListBody } from "./voice-list.ts";

/** What the browser uploads: MediaRecorder's WebM, or an OGG file. */
const AUDIO_TYPES = ["audio/webm", "audio/ogg"];
/** Never refuses: a query it cannot read (`?done=a&done=b`) is the default list. */
const listQuery = z.object({
  locale: z.enum(CLIENT_LOCALES).catch("rom"),
  done: z.string().optional().catch(undefined),
});
const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{8,40}$/) });
const approveForm = z.object({ version: z.coerce.number().int().positive().optional() });
const DONE = new Set(["voice_saved", "voice_approved", "voice_deleted"]);

async function showVoice(request: FastifyRequest, reply: FastifyReply, locale: string, notice?: string) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const recordings = await listVoiceRecordings(db, locale);
  const ids = [...new Set(recordings.flatMap((r) => [r.recordedById, r.approvedById ?? ""]))];
  const colleagues = await db.counsellor.findMany({
    where: { id: { in: ids }, organisationId: staff.organisationId },
    select: { id: true, name: true },
  });
  const names = new Map(colleagues.map((c) => [c.id, c.name]));
  const body = voiceListBody(request, locale, recordings, names);
  return renderPage(
    reply,
    staff,
    consoleText(translator, staff.locale, "voice_title"),
    html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}${body}`,
  );
}

/** Back to the language's list, at the message's card. */
const backTo = (reply: FastifyReply, locale: string, done: string, key?: string) =>
  reply.redirect(
    `/console/voice?locale=${locale}&done=${done}${key ? `#voice-${key.replace(/\W/g, "-")}` : ""}`,
    303,
  );

export function voicePages(http: FastifyInstance): void {
  http.addContentTypeParser(
    AUDIO_TYPES,
    { parseAs: "buffer", bodyLimit: VOICE_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  http.get("/console/voice", { preHandler: requireStaff }, async (request, reply) => {
    const query = listQuery.parse(request.query ?? {});
    const { translator } = http.consoleContext;
    const done = query.done && DONE.has(query.done) ? query.done : undefined;
    const notice = done ? consoleText(translator, staffOf(request).locale, done) : undefined;
    return showVoice(request, reply, query.locale, notice);
  });

  http.post(
    "/console/voice/:locale/:messageKey",
    { preHandler: requireStaff, bodyLimit: VOICE_MAX_BYTES },
    async (request, reply) => {
      const staff = staffOf(request);
      const { db, voiceKeys } = http.consoleContext;
      const slot = voiceSlotSchema(voiceKeys.isKey).safeParse(request.params);
      if (!slot.success || !Buffer.isBuffer(request.body))
        return reply.code(400).send({ error: "bad request" });
      try {
        await saveVoiceRecording(
          db,
          { slot: slot.data, bytes: new Uint8Array(request.body), staffId: staff.staffId },
          voiceKeys.isKey,
        );
      } catch (error) {
        if (error instanceof DomainError)
          return reply.code(400).send({ error: staffErrorText(request, error) });
        throw error;
      }
      return reply.code(201).send({ next: `/console/voice?locale=${slot.data.locale}&done=voice_saved` });
    },
  );

  http.post("/console/voice/:id/approve", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db } = http.consoleContext;
    const params = idParams.safeParse(request.params);
    const form = approveForm.safeParse(request.body ?? {});
    const found = params.success
      ? await db.voiceRecording.findUnique({
          where: { id: params.data.id },
          select: { locale: true, messageKey: true },
        })
      : null;
    if (!params.success || !found) return notFoundPage(reply, staff);
    try {
      const version = form.success && form.data.version ? new Date(form.data.version) : undefined;
      await approveVoiceRecording(db, params.data.id, staff.staffId, version);
    } catch (error) {
      if (error instanceof DomainError)
        return showVoice(request, reply.code(400), found.locale, staffErrorText(request, error));
      throw error;
    }
    return backTo(reply, found.locale, "voice_approved", found.messageKey);
  });

  http.post("/console/voice/:id/delete", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db } = http.consoleContext;
    const params = idParams.safeParse(request.params);
    const found = params.success
      ? await db.voiceRecording.findUnique({ where: { id: params.data.id }, select: { locale: true } })
      : null;
    if (!params.success || !found) return notFoundPage(reply, staff);
    try {
      await deleteVoiceRecording(db, params.data.id, staff);
    } catch (error) {
      if (error instanceof DomainError)
        return showVoice(request, reply.code(403), found.locale, staffErrorText(request, error));
      throw error;
    }
    return backTo(reply, found.locale, "voice_deleted");
  });

  // Staff listen to any recording, approved or not (clients hear approved ones only, /chat/voice).
  http.get("/console/voice/:id/audio", { preHandler: requireStaff }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const found = params.success ? await voiceAudio(http.consoleContext.db, params.data.id, false) : null;
    if (!found) return notFoundPage(reply, staffOf(request));
    return reply
      .header("content-type", found.mimeType)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .send(Buffer.from(found.audio));
  });
}
