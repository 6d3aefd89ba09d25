/**
 * Broadcasts from the counsellor's side: preview a segment (who is in it, in which language each
 * would get the message, who cannot be reached and why), create a broadcast — refused while a
 * language in the segment has neither a text nor an explicit fallback — for now or for a local
 * time, moved out of the programme's quiet hours, and cancel one while it runs. The fan-out
 * itself is broadcast-fanout.ts; what happened to each message is broadcast-report.ts.
 */

import type { Queue } from "bullmq";
import { z } from "zod";
import type { Broadcast, BroadcastKind } from "../../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../../i18n/translator.ts";
import { parseProgrammeSchedule, type QuietHours } from "../../scheduling/programme-schedule.ts";
import { endOfQuietHours } from "../../scheduling/schedule.ts";
import type { Db } from "../../store/prisma.ts";
import { parseLocalTime } from "../appointments/appointments.ts";
import { DomainError, parseInput } from "../errors.ts";
import { oncePerKey } from "../once-per-key.ts";
import {
  type BroadcastFallbacks,
  brokenFallbacks,
  missingLanguages,
  textLocaleFor,
} from "./broadcast-language.ts";
import { type BroadcastJobData, scheduleBroadcastJob } from "./broadcast-queue.ts";
import { type Segment, segmentMembers, segmentSchema } from "./segment.ts";

const localeField = z.enum(CLIENT_LOCALES, { error: `must be one of ${CLIENT_LOCALES.join(", ")}` });

/** What a broadcast is made of; the console and the API take it without the first two fields. */
export const broadcastInput = z.object({
  organisationSlug: z.string().trim().toLowerCase().min(1, "is required"),
  /** The counsellor who sends it; must work for the organisation. */
  counsellorEmail: z.string().trim().toLowerCase().email("must be an e-mail address"),
  kind: z
    .enum(["job_update", "programme"], { error: "must be job_update or programme" })
    .default("programme"),
  vacancyId: z.string().trim().min(1).optional(),
  segment: segmentSchema.default({}),
  /** Empty is allowed for a preview (every language is then missing); a broadcast needs one. */
  texts: z.partialRecord(localeField, z.string().trim().min(1).max(1500)).default({}),
  /** { rom: "ro" } or { "*": "fr" }. */
  fallbacks: z.partialRecord(z.union([localeField, z.literal("*")]), localeField).default({}),
  /** Local time "YYYY-MM-DD HH:MM" in the programme's zone; absent: now. */
  at: z.string().trim().min(1).optional(),
});

export type BroadcastInput = z.input<typeof broadcastInput>;

export interface BroadcastDeps {
  db: Db;
  queue: Queue<BroadcastJobData>;
  defaultTimeZone: string;
  now?: () => Date;
}

/** What a broadcast would do, before it is sent. */
export interface BroadcastPreview {
  /** People it would be sent to (in the segment, an active conversation, a text they read). */
  recipients: number;
  byLanguage: { locale: string; people: number; textLocale: string | null }[];
  /** Languages with neither a text nor a fallback: it is refused until each has one. */
  missing: { locale: string; people: number }[];
  optedOut: number;
  blocked: number;
  /** Consent given, but no conversation left to write to. */
  noConversation: number;
  sendAt: Date;
  /** The time asked for fell in quiet hours; sendAt is their end. */
  movedOutOfQuietHours: boolean;
  timeZone: string;
  /** The programme's quiet hours (local times in timeZone), when nothing is sent; null: none. */
  quietHours: QuietHours | null;
}

interface Resolved {
  organisationId: string;
  counsellorId: string;
  data: z.output<typeof broadcastInput>;
  preview: BroadcastPreview;
}

async function resolve(deps: BroadcastDeps, input: BroadcastInput): Promise<Resolved> {
  const data = parseInput(broadcastInput, input);
  const { db } = deps;
  const organisation = await db.organisation.findUnique({ where: { slug: data.organisationSlug } });
  if (!organisation) throw new DomainError(`No organisation "${data.organisationSlug}".`);
  const counsellor = await db.counsellor.findUnique({ where: { email: data.counsellorEmail } });
  if (!counsellor || counsellor.organisationId !== organisation.id)
    throw new DomainError(`No counsellor ${data.counsellorEmail} in ${organisation.slug}.`, {
      code: "staff_not_in_organisation",
    });
  if (data.vacancyId) {
    const vacancy = await db.vacancy.findUnique({ where: { id: data.vacancyId } });
    if (!vacancy || vacancy.organisationId !== organisation.id)
      throw new DomainError(`No vacancy ${data.vacancyId} in ${organisation.slug}.`, {
        code: "unknown_vacancy",
      });
  }
  const broken = brokenFallbacks(data.texts, data.fallbacks);
  if (broken.length)
    throw new DomainError(
      `Fallback to a language without a text: ${broken.join(", ")}. Add that text first.`,
      {
        code: "broadcast_fallback_without_text",
        params: { languages: broken.join(", ") },
      },
    );
  const schedule = await segmentSchedule(db, organisation.id, data.segment, deps.defaultTimeZone);
  const now = deps.now?.() ?? new Date();
  const asked = data.at ? parseLocalTime(data.at, schedule.timeZone) : now;
  if (data.at && asked.getTime() < now.getTime() - 60_000)
    throw new DomainError(`${data.at} has passed; give a time to come, or none to send now.`, {
      code: "broadcast_time_passed",
    });
  const sendAt = endOfQuietHours(asked, schedule.quietHours, schedule.timeZone);

  const members = await segmentMembers(db, organisation.id, data.segment);
  const reachable = members.filter((m) => m.conversationStatus === "active");
  const byLocale = new Map<string, number>();
  for (const m of reachable) byLocale.set(m.locale, (byLocale.get(m.locale) ?? 0) + 1);
  const missing = missingLanguages(
    reachable.map((m) => m.locale),
    data.texts,
    data.fallbacks,
  );
  const preview: BroadcastPreview = {
    recipients: reachable.length - missing.reduce((n, m) => n + m.people, 0),
    byLanguage: [...byLocale]
      .map(([locale, people]) => ({
        locale,
        people,
        textLocale: textLocaleFor(locale, data.texts, data.fallbacks),
      }))
      .sort((a, b) => b.people - a.people),
    missing,
    optedOut: members.filter((m) => m.conversationStatus === "opted_out").length,
    blocked: members.filter((m) => m.conversationStatus === "blocked").length,
    noConversation: members.filter((m) => m.conversationStatus === null).length,
    sendAt,
    movedOutOfQuietHours: sendAt.getTime() !== asked.getTime(),
    timeZone: schedule.timeZone,
    quietHours: schedule.quietHours,
  };
  return { organisationId: organisation.id, counsellorId: counsellor.id, data, preview };
}

/** The schedule whose zone and quiet hours apply: the segment's one programme, else the defaults. */
async function segmentSchedule(db: Db, organisationId: string, segment: Segment, defaultTimeZone: string) {
  const only = segment.programme?.length === 1 ? segment.programme[0] : undefined;
  const programme = only ? await db.programme.findFirst({ where: { organisationId, slug: only } }) : null;
  if (only && !programme)
    throw new DomainError(`No programme "${only}" in this organisation.`, { code: "unknown_programme" });
  return parseProgrammeSchedule(
    { timeZone: programme?.timezone ?? defaultTimeZone, ...((programme?.settings as object | null) ?? {}) },
    defaultTimeZone,
  );
}

/** Who would get it, in which language, and who not; creates nothing. */
export async function previewBroadcast(
  deps: BroadcastDeps,
  input: BroadcastInput,
): Promise<BroadcastPreview> {
  return (await resolve(deps, input)).preview;
}

/**
 * Creates the broadcast and its timer (with `idempotencyKey`, kept on the row: see
 * createBroadcastOnce). Refused (DomainError, nothing created) when a language in
 * the segment has neither a text nor an explicit fallback, or when nobody could get it.
 */
export async function createBroadcast(
  deps: BroadcastDeps,
  input: BroadcastInput,
  idempotencyKey?: string,
): Promise<{ broadcast: Broadcast; preview: BroadcastPreview }> {
  const { organisationId, counsellorId, data, preview } = await resolve(deps, input);
  if (!Object.keys(data.texts).length)
    throw new DomainError("Invalid texts: needs a text in at least one language.", {
      code: "broadcast_no_text",
    });
  if (preview.missing.length) {
    const list = preview.missing.map(
      (m) => `${m.locale} (${m.people} ${m.people === 1 ? "person" : "people"})`,
    );
    throw new DomainError(
      `No text for ${list.join(", ")}. Add a text in each, or an explicit fallback such as ${preview.missing[0]?.locale}=fr.`,
      {
        code: "broadcast_missing_texts",
        params: { languages: preview.missing.map((m) => m.locale).join(", ") },
      },
    );
  }
  if (preview.recipients === 0)
    throw new DomainError("Nobody in this segment can be reached.", { code: "broadcast_nobody_reachable" });
  const broadcast = await deps.db.$transaction(async (tx) => {
    const created = await tx.broadcast.create({
      data: {
        organisationId,
        counsellorId,
        kind: data.kind as BroadcastKind,
        vacancyId: data.vacancyId ?? null,
        segment: data.segment,
        texts: data.texts,
        fallbacks: data.fallbacks as BroadcastFallbacks,
        sendAt: preview.sendAt,
        idempotencyKey: idempotencyKey ?? null,
      },
    });
    await tx.auditEvent.create({
      data: {
        type: "broadcast.created",
        organisationId,
        actor: counsellorId,
        subjectType: "broadcast",
        subjectId: created.id,
        data: { recipients: preview.recipients, languages: Object.keys(data.texts) },
      },
    });
    return created;
  });
  await scheduleBroadcastJob(deps.queue, broadcast.id, broadcast.sendAt, deps.now?.() ?? new Date());
  return { broadcast, preview };
}

/**
 * createBroadcast for a console form's submission (or a retried call): one broadcast per
 * `idempotencyKey`, which the caller scopes to the staff member. The same key again — at once, or
 * racing the first — creates nothing and returns the broadcast the first one made, with no
 * preview (`null`: previewStored gives the stored broadcast's own, as of now).
 */
export async function createBroadcastOnce(
  deps: BroadcastDeps,
  input: BroadcastInput,
  idempotencyKey: string,
): Promise<{ broadcast: Broadcast; preview: BroadcastPreview | null }> {
  return oncePerKey<{ broadcast: Broadcast; preview: BroadcastPreview | null }>(
    async () => {
      const found = await deps.db.broadcast.findUnique({ where: { idempotencyKey } });
      return found && { broadcast: found, preview: null };
    },
    () => createBroadcast(deps, input, idempotencyKey),
  );
}

/** The preview of a stored broadcast: its own segment, texts, fallbacks and time; its recipients as of now. */
export async function previewStored(
  deps: BroadcastDeps,
  broadcast: Broadcast,
  sender: Pick<BroadcastInput, "organisationSlug" | "counsellorEmail">,
): Promise<BroadcastPreview> {
  // As of its own time (already out of quiet hours): not of now, which may be in them, or past it.
  const preview = await previewBroadcast(
    { ...deps, now: () => broadcast.sendAt },
    {
      ...sender,
      kind: broadcast.kind,
      vacancyId: broadcast.vacancyId ?? undefined,
      segment: broadcast.segment as Segment,
      texts: broadcast.texts as BroadcastInput["texts"],
      fallbacks: broadcast.fallbacks as BroadcastInput["fallbacks"],
    },
  );
  return { ...preview, sendAt: broadcast.sendAt };
}

/**
 * Stops a broadcast: nobody more gets a message written, and messages written and still queued
 * are withdrawn (failed, "cancelled"). Messages already sent, or claimed by a page for their
 * slot, stay sent.
 */
export async function cancelBroadcast(
  db: Db,
  input: { broadcastId: string; organisationSlug: string },
): Promise<{ withdrawn: number; notWritten: number }> {
  const broadcast = await db.broadcast.findUnique({
    where: { id: input.broadcastId },
    include: { organisation: { select: { slug: true } } },
  });
  if (!broadcast || broadcast.organisation.slug !== input.organisationSlug.trim().toLowerCase())
    throw new DomainError(`No broadcast ${input.broadcastId} in ${input.organisationSlug}.`);
  if (broadcast.status === "cancelled")
    throw new DomainError(`Broadcast ${broadcast.id} is already cancelled.`);
  return db.$transaction(async (tx) => {
    await tx.broadcast.update({
      where: { id: broadcast.id },
      data: { status: "cancelled", cancelledAt: new Date() },
    });
    const notWritten = await tx.broadcastRecipient.updateMany({
      where: { broadcastId: broadcast.id, status: "pending" },
      data: { status: "cancelled" },
    });
    // Only `queued`: a `sending` message may be in the platform's hands already. A queued one a
    // sender holds is not sent: its `sending` mark checks the status (src/outbox/message-store.ts).
    const withdrawn = await tx.message.updateMany({
      where: { broadcastId: broadcast.id, status: "queued" },
      data: { status: "failed", error: "cancelled: the broadcast was cancelled" },
    });
    await tx.auditEvent.create({
      data: {
        type: "broadcast.cancelled",
        organisationId: broadcast.organisationId,
        subjectType: "broadcast",
        subjectId: broadcast.id,
        data: { withdrawn: withdrawn.count, notWritten: notWritten.count },
      },
    });
    return { withdrawn: withdrawn.count, notWritten: notWritten.count };
  });
}

/** An organisation's broadcasts, newest first. */
export async function listBroadcasts(db: Db, organisationSlug: string, take = 20): Promise<Broadcast[]> {
  const organisation = await db.organisation.findUnique({
    where: { slug: organisationSlug.trim().toLowerCase() },
  });
  if (!organisation) throw new DomainError(`No organisation "${organisationSlug}".`);
  return db.broadcast.findMany({
    where: { organisationId: organisation.id },
    orderBy: { createdAt: "desc" },
    take,
  });
}
