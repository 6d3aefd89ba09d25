/**
 * Handovers: a client asked for a person. Opening one marks the client as waiting for a person
 * in every conversation of theirs (an open Handover row, one at most per client: store/open-handover.ts), raises a task for the case's
 * counsellor (a lead's: the organisation's intake queue), plans the "unanswered" nudge after the
 * programme's working hours, wakes the inbox (Postgres NOTIFY on commit), and tells the client
 * honestly when someone will answer: from the programme's office hours. A client whom no
 * organisation knows yet is told so, and no promise is made.
 */
import { Duration } from "luxon";
import type { Output } from "../../engine/types.ts";
import type { Handover } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import { cancelNudges, planNudges } from "../../scheduling/nudge-store.ts";
import { findOpenHandover, type HandoverOwner, lockClientHandovers } from "../../store/open-handover.ts";
import type { Prisma } from "../../store/prisma.ts";
import { createTask } from "../tasks/tasks.ts";
import { handoverSettingsForCase } from "./handover-case.ts";
import { publishInboxChange } from "./inbox-events.ts";
import { afterWorkingHours, inOfficeHours, nextOpening, officeHoursParams } from "./office-hours.ts";

type Tx = Prisma.TransactionClient;

/** Why a handover opened: a button in a flow, the words, text no flow was waiting for. */
export type HandoverReason = `asked:${string}` | `stuck:${string}` | "words" | "free_text" | (string & {});

/** The nudge job ids of a handover (two colons: BullMQ refuses custom ids with exactly one). */
export const unansweredJobId = (handoverId: string) => `handover:${handoverId}:unanswered`;
export const quietJobId = (handoverId: string) => `handover:${handoverId}:quiet`;

/** What opening produced: messages for the client, timers to sync after commit. */
export interface OpenedHandover {
  handoverId: string | null;
  outputs: Output[];
  nudgeJobIds: string[];
}

/** What opening needs to know. */
interface OpenInput {
  conversationId: string;
  clientId: string | null;
  reason: HandoverReason;
  now: Date;
  locale: string;
  translator: Translator;
  defaultTimeZone: string;
}

/** The open case a handover is for: the client's newest with a programme. */
async function caseForHandover(tx: Tx, clientId: string | null) {
  if (!clientId) return null;
  return tx.case.findFirst({
    where: { clientId, status: { not: "closed" }, programmeId: { not: null } },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      counsellorId: true,
      programme: { select: { organisationId: true, timezone: true, settings: true } },
    },
  });
}
type HandoverCase = NonNullable<Awaited<ReturnType<typeof caseForHandover>>>;

/**
 * Opens a handover for the conversation's client (or, when the client has one open, from this
 * conversation or another of theirs, joins it and tells the client again what happens next).
 * Runs in the turn's transaction.
 */
export async function openHandover(tx: Tx, input: OpenInput): Promise<OpenedHandover> {
  const found = await caseForHandover(tx, input.clientId);
  const clientId = input.clientId;
  if (!found?.programme || !clientId)
    return { handoverId: null, outputs: [{ key: "handover.no_one" }], nudgeJobIds: [] };
  const settings = handoverSettingsForCase(found.programme, input.defaultTimeZone);
  const outputs = [whatHappensNext(settings, found.counsellorId !== null, input)];
  await lockClientHandovers(tx, clientId);
  const existing = await findOpenHandover(tx, { conversationId: input.conversationId, clientId });
  if (existing) return { handoverId: await joinHandover(tx, existing, input.now), outputs, nudgeJobIds: [] };
  const organisationId = found.programme.organisationId;
  const handover = await tx.handover.create({
    data: {
      conversationId: input.conversationId,
      clientId,
      caseId: found.id,
      organisationId,
      reason: input.reason.slice(0, 120),
      createdAt: input.now,
      lastClientAt: input.now,
    },
  });
  await createTask(tx, {
    kind: "handover",
    caseId: found.id,
    organisationId,
    data: { handoverId: handover.id, reason: handover.reason },
    assigneeStaffId: found.counsellorId,
  });
  const nudgeJobIds = await planUnanswered(tx, handover.id, found, settings, input);
  await tx.auditEvent.create({
    data: {
      type: "handover.opened",
      organisationId,
      actor: "client",
      subjectType: "handover",
      subjectId: handover.id,
      data: { caseId: found.id, reason: handover.reason },
    },
  });
  await publishInboxChange(tx, { organisationId, handoverId: handover.id });
  return { handoverId: handover.id, outputs, nudgeJobIds };
}

/** Asked again, here or in another of the client's conversations: the same handover (no second task, timer or card). */
async function joinHandover(tx: Tx, open: Handover, now: Date): Promise<string> {
  await tx.handover.update({ where: { id: open.id }, data: { lastClientAt: now } });
  if (open.organisationId)
    await publishInboxChange(tx, { organisationId: open.organisationId, handoverId: open.id });
  return open.id;
}

/** The "nobody answered in the working hours" nudge of a new handover. */
function planUnanswered(
  tx: Tx,
  handoverId: string,
  found: HandoverCase,
  settings: ReturnType<typeof handoverSettingsForCase>,
  input: OpenInput,
): Promise<string[]> {
  const { officeHours, timeZone, unansweredAfterHours } = settings;
  return planNudges(
    tx,
    [handoverId],
    [
      {
        jobId: unansweredJobId(handoverId),
        kind: "handover_unanswered",
        conversationId: input.conversationId,
        caseId: found.id,
        subjectId: handoverId,
        dueAt: afterWorkingHours(officeHours, timeZone, input.now, unansweredAfterHours),
      },
    ],
  );
}

/** "Your counsellor works Monday–Friday, 9:00–17:00; they will answer you here (from Monday 9:00)." */
export function whatHappensNext(
  settings: ReturnType<typeof handoverSettingsForCase>,
  hasCounsellor: boolean,
  input: { now: Date; locale: string; translator: Translator },
): Output {
  const { officeHours, timeZone } = settings;
  const params = officeHoursParams(officeHours, input.locale, input.translator);
  const who = hasCounsellor ? "counsellor" : "team";
  if (inOfficeHours(officeHours, timeZone, input.now)) return { key: `handover.${who}_open`, params };
  const next = nextOpening(officeHours, timeZone, input.now).toISOString();
  return {
    key: `handover.${who}_closed`,
    params: { ...params, next },
    dateTimeParams: { next: timeZone },
  };
}

/** A client's message while a handover is open: it waits for the person; quiet time starts again. */
export async function noteClientMessage(
  tx: Tx,
  input: HandoverOwner & { now: Date; defaultTimeZone: string },
): Promise<string[]> {
  const open = await findOpenHandover(tx, input);
  if (!open) return [];
  await tx.handover.update({ where: { id: open.id }, data: { lastClientAt: input.now } });
  if (open.organisationId)
    await publishInboxChange(tx, { organisationId: open.organisationId, handoverId: open.id });
  return open.answeredAt ? planQuietNudge(tx, open.id, input.now, input.defaultTimeZone) : [];
}

/** Plans (or moves) the handover's "back to the bot" nudge, the programme's quiet time after `from`. */
export async function planQuietNudge(
  tx: Tx,
  handoverId: string,
  from: Date,
  defaultTimeZone: string,
): Promise<string[]> {
  const handover = await tx.handover.findUniqueOrThrow({
    where: { id: handoverId },
    select: {
      id: true,
      conversationId: true,
      caseId: true,
    },
  });
  const programme = handover.caseId
    ? (
        await tx.case.findUnique({
          where: { id: handover.caseId },
          select: { programme: { select: { timezone: true, settings: true } } },
        })
      )?.programme
    : null;
  const settings = handoverSettingsForCase(programme ?? null, defaultTimeZone);
  const dueAt = new Date(from.getTime() + Duration.fromISO(settings.quietTime).toMillis());
  return [
    ...(await cancelNudges(tx, { jobId: unansweredJobId(handover.id) }, "answered")),
    ...(await planNudges(
      tx,
      [],
      [
        {
          jobId: quietJobId(handover.id),
          kind: "handover_quiet",
          conversationId: handover.conversationId,
          caseId: handover.caseId,
          subjectId: handover.id,
          dueAt,
        },
      ],
    )),
  ];
}
