/**
 * What a client reads about an appointment, as outputs (locale keys): a new one, a reminder with
 * the three answer buttons, a move, a cancellation. Times are shown in the programme's zone; the
 * place is a map button, never a link in the text, and a line with nothing to say is left out.
 */

import type { Output, OutputChoice } from "../../engine/types.ts";
import type { Appointment } from "../../generated/prisma/client.ts";
import { storedBringNotes } from "./bring-documents.ts";
import { usableMapUrl } from "./map-url.ts";

export const APPOINTMENT_RESPONSES = ["coming", "cannot_come", "reschedule"] as const;
export type AppointmentAnswer = (typeof APPOINTMENT_RESPONSES)[number];

/** Button ids: `appt:<appointment id>:<answer>` (within Telegram's 64 bytes). */
export function responseChoiceId(appointmentId: string, answer: AppointmentAnswer): string {
  return `appt:${appointmentId}:${answer}`;
}

/** Reads a button id back; undefined when it is not an appointment answer. */
export function parseResponseChoice(
  choiceId: string | undefined,
): { appointmentId: string; answer: AppointmentAnswer } | undefined {
  const match = /^appt:([a-z0-9]+):(coming|cannot_come|reschedule)$/.exec(choiceId ?? "");
  return match ? { appointmentId: match[1] as string, answer: match[2] as AppointmentAnswer } : undefined;
}

function details(
  appointment: Appointment,
  timeZone: string,
): Pick<Output, "params" | "dateTimeParams" | "lists"> {
  return {
    params: {
      when: appointment.startsAt.toISOString(),
      where: appointment.location,
      with: appointment.withWhom,
    },
    dateTimeParams: { when: timeZone },
    lists: { purpose: [purpose(appointment)], ...bringLines(appointment) },
  };
}

/** "🎒 Bring: …" and "📝 …": each only when there is something to say in the client's language. */
function bringLines(appointment: Appointment): Record<"bring" | "note", Output[]> {
  const documents = appointment.bringDocuments.map((code) => ({ key: `appointments.document_${code}` }));
  const notes = storedBringNotes(appointment.bringNotes);
  return {
    bring: documents.length ? [{ key: "appointments.bring_line", lists: { documents } }] : [],
    note: Object.keys(notes).length ? [{ key: "appointments.note_line", written: notes }] : [],
  };
}

/**
 * The place as a button that opens a map: the counsellor's link if it is http(s) (Telegram refuses
 * any other scheme, and the whole notice with it), else an OpenStreetMap search.
 */
function mapButton(appointment: Appointment): OutputChoice {
  return {
    id: `map:${appointment.id}`,
    label: "appointments.open_map",
    url: usableMapUrl(appointment.mapUrl) ?? mapLink(appointment.location),
  };
}

/** An OpenStreetMap search for the address, when the counsellor gave no map link. */
export function mapLink(address: string): string {
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
}

function purpose(appointment: Appointment): Output {
  return { key: `appointments.purpose_${appointment.purpose}` };
}

const buttons = (appointment: Appointment): OutputChoice[] => [
  ...APPOINTMENT_RESPONSES.map((answer) => ({
    id: responseChoiceId(appointment.id, answer),
    label: `appointments.answer_${answer}`,
  })),
  mapButton(appointment),
];

/** The reminder, with "I'll come / I can't come / I need another time". */
export function reminderMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.reminder",
    ...details(appointment, timeZone),
    choices: buttons(appointment),
  };
}

/** Told when the counsellor sets a new appointment. */
export function newAppointmentMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.created",
    ...details(appointment, timeZone),
    choices: buttons(appointment),
  };
}

/** Told when the counsellor moves it. */
export function movedMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.moved",
    ...details(appointment, timeZone),
    choices: buttons(appointment),
  };
}

/** Told when the counsellor cancels it. */
export function cancelledMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.cancelled",
    ...details(appointment, timeZone),
  };
}
