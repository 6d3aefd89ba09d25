/**
 * `appointment create | move | cancel | list`: appointments a counsellor sets for a case's client.
 * The domain plans the reminders (Nudge rows and their Redis timers) and writes the notice to the
 * client; these commands show what was planned, in the local time of the case's programme.
 */
import {
  type AppointmentDeps,
  cancelAppointment,
  createAppointment,
  moveAppointment,
} from "../domain/appointments/appointments.ts";
import {
  BRING_DOCUMENTS,
  type BringDocument,
  storedBringNotes,
} from "../domain/appointments/bring-documents.ts";
import { DomainError } from "../domain/errors.ts";
import type { Appointment, AppointmentPurpose, Nudge } from "../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { Db } from "../store/prisma.ts";
import { caseTimeZone } from "./case-time-zone.ts";
import { type ClientReach, clientReach } from "./client-reach.ts";
import type { CliCommand, CommandContext, CommandOutput } from "./commands.ts";
import { dash, need, string } from "./option-values.ts";
import { formatDateTime, formatFields, formatTable } from "./text-output.ts";

const PURPOSES = "intake|orientation|training|job_interview|company_visit";
const AT = {
  name: "at",
  type: "string",
  value: '"YYYY-MM-DD HH:MM"',
  required: true,
  description: "local time in the programme's time zone",
} as const;
const APPOINTMENT_ID = {
  name: "appointment-id",
  value: "<appointment id>",
  description: "the appointment's id (see appointment list)",
} as const;

async function appointmentDeps({ db, config, scheduling }: CommandContext): Promise<AppointmentDeps> {
  const { queue, outbox, translator } = await scheduling();
  return { db, queue, outbox, translator, defaultTimeZone: config.TZ_DEFAULT };
}

const createCommand: CliCommand = {
  words: ["appointment", "create"],
  summary: "Set an appointment: the client is told and reminded before it.",
  options: [
    { name: "case", type: "string", value: "<case id>", required: true, description: "the case's id" },
    AT,
    {
      name: "location",
      type: "string",
      value: "<address>",
      required: true,
      description: "where, as the client should find it",
    },
    {
      name: "with",
      type: "string",
      value: "<name>",
      required: true,
      description: "whom the client meets",
    },
    { name: "purpose", type: "string", value: PURPOSES, required: true, description: "what it is for" },
    {
      name: "bring",
      type: "string",
      value: BRING_DOCUMENTS.join(","),
      description:
        "what to bring: documents from this list, comma-separated (shown in the client's language)",
    },
    ...CLIENT_LOCALES.map((locale) => ({
      name: `note-${locale}`,
      type: "string" as const,
      value: "<text>",
      description: `a note for a client who reads ${locale} (optional; other languages see none)`,
    })),
    { name: "map-url", type: "string", value: "<url>", description: "a map link to the place" },
  ],
  async run(values, context) {
    const appointment = await createAppointment(await appointmentDeps(context), {
      caseId: need(values, "case"),
      at: need(values, "at"),
      location: need(values, "location"),
      withWhom: need(values, "with"),
      purpose: need(values, "purpose") as AppointmentPurpose,
      bringDocuments: bringList(string(values, "bring")),
      bringNotes: Object.fromEntries(
        CLIENT_LOCALES.flatMap((locale) => {
          const note = string(values, `note-${locale}`);
          return note ? [[locale, note]] : [];
        }),
      ),
      mapUrl: string(values, "map-url"),
    });
    return appointmentOutput(context, "Appointment created", appointment, {
      title: "Reminders planned",
      nudges: await pendingNudges(context.db, appointment.id),
    });
  },
};

const moveCommand: CliCommand = {
  words: ["appointment", "move"],
  summary: "Move an appointment: its reminders are replaced and the client is told.",
  argument: APPOINTMENT_ID,
  options: [AT],
  async run(values, context) {
    const appointment = await moveAppointment(await appointmentDeps(context), {
      appointmentId: need(values, "appointment-id"),
      at: need(values, "at"),
    });
    return appointmentOutput(context, "Appointment moved", appointment, {
      title: "Reminders planned",
      nudges: await pendingNudges(context.db, appointment.id),
    });
  },
};

const cancelCommand: CliCommand = {
  words: ["appointment", "cancel"],
  summary: "Cancel an appointment: its reminders stop and the client is told.",
  argument: APPOINTMENT_ID,
  options: [],
  async run(values, context) {
    const appointmentId = need(values, "appointment-id");
    const pending = await pendingNudges(context.db, appointmentId);
    const appointment = await cancelAppointment(await appointmentDeps(context), { appointmentId });
    const cancelled = await context.db.nudge.findMany({
      where: { jobId: { in: pending.map((n) => n.jobId) }, status: "cancelled" },
      orderBy: { dueAt: "asc" },
    });
    return appointmentOutput(context, "Appointment cancelled", appointment, {
      title: "Reminders cancelled",
      nudges: cancelled,
    });
  },
};

const listCommand: CliCommand = {
  words: ["appointment", "list"],
  summary: "List a case's appointments with the client's answers, earliest first.",
  options: [
    { name: "case", type: "string", value: "<case id>", required: true, description: "the case's id" },
  ],
  async run(values, { db, config }) {
    const caseId = need(values, "case");
    if (!(await db.case.findUnique({ where: { id: caseId }, select: { id: true } })))
      throw new DomainError(`No case with id ${caseId}.`);
    const zone = await caseTimeZone(db, caseId, config.TZ_DEFAULT);
    const appointments = await db.appointment.findMany({
      where: { caseId },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    });
    const rows = appointments.map((a) => [
      a.id,
      formatDateTime(a.startsAt, zone),
      a.purpose,
      a.status,
      dash(a.response),
      a.withWhom,
      a.location,
    ]);
    const headers = ["APPOINTMENT", "TIME", "PURPOSE", "STATUS", "ANSWER", "WITH", "PLACE"];
    return {
      json: { caseId, timeZone: zone, appointments: appointments.map((a) => appointmentJson(a, zone)) },
      text:
        appointments.length === 0 ? "No appointments." : `Times in ${zone}.\n\n${formatTable(headers, rows)}`,
    };
  },
};

/** "identity_card, cv" → the codes (the domain checks them against the list). */
function bringList(value: string | undefined): BringDocument[] {
  return (value ?? "")
    .split(",")
    .map((code) => code.trim())
    .filter(Boolean) as BringDocument[];
}

export const appointmentCommands: readonly CliCommand[] = [
  createCommand,
  moveCommand,
  cancelCommand,
  listCommand,
];

/** The appointment's pending reminders, as the Nudge rows say (what Redis's timers follow). */
function pendingNudges(db: Db, appointmentId: string): Promise<Nudge[]> {
  return db.nudge.findMany({
    where: { subjectId: appointmentId, kind: "appointment_reminder", status: "pending" },
    orderBy: { dueAt: "asc" },
  });
}

async function appointmentOutput(
  { db, config }: CommandContext,
  heading: string,
  appointment: Appointment,
  reminders: { title: string; nudges: Nudge[] },
): Promise<CommandOutput> {
  const zone = await caseTimeZone(db, appointment.caseId, config.TZ_DEFAULT);
  const reach = await clientReach(db, appointment.caseId);
  const nudges = reminders.nudges.map((n) => ({
    jobId: n.jobId,
    dueAt: n.dueAt.toISOString(),
    localDueAt: formatDateTime(n.dueAt, zone),
    status: n.status,
  }));
  const fields = formatFields(heading, [
    ["Id", appointment.id],
    ["Case", appointment.caseId],
    ["When", `${formatDateTime(appointment.startsAt, zone)} (${zone})`],
    ["Purpose", appointment.purpose],
    ["With", appointment.withWhom],
    ["Where", appointment.location],
    ["Map", appointment.mapUrl],
    ["Bring", appointment.bringDocuments.join(", ") || "-"],
    ...Object.entries(storedBringNotes(appointment.bringNotes)).map(([locale, note]): [string, string] => [
      `Note (${locale})`,
      note,
    ]),
    ["Status", appointment.status],
    ["Client", noticeText(reach)],
  ]);
  const table =
    nudges.length === 0
      ? `${reminders.title}: none.`
      : `${reminders.title}\n${formatTable(
          ["JOB ID", `DUE (${zone})`],
          nudges.map((n) => [n.jobId, n.localDueAt]),
        )}`;
  return {
    json: {
      appointment: appointmentJson(appointment, zone),
      reminders: nudges,
      clientNotice: reach.reachable ? { queued: true } : { queued: false, reason: reach.reason },
    },
    text: `${fields}\n\n${table}`,
  };
}

function noticeText(reach: ClientReach): string {
  return reach.reachable
    ? "told: a message is queued for them"
    : `not reachable by the bot (${reach.reason})`;
}

function appointmentJson(a: Appointment, zone: string) {
  return {
    id: a.id,
    caseId: a.caseId,
    startsAt: a.startsAt.toISOString(),
    localTime: formatDateTime(a.startsAt, zone),
    timeZone: zone,
    purpose: a.purpose,
    withWhom: a.withWhom,
    location: a.location,
    mapUrl: a.mapUrl,
    bringDocuments: a.bringDocuments,
    bringNotes: storedBringNotes(a.bringNotes),
    status: a.status,
    response: a.response,
    respondedAt: a.respondedAt?.toISOString() ?? null,
  };
}
