/**
 * What a client reads about an appointment, as outputs (locale keys): a new one, a reminder with
 * the three answer buttons, a move, a cancellation. Times are shown in the programme's zone.
 */

import type { Output, OutputChoice } from "../../engine/types.ts";
import type { Appointment } from "../../generated/prisma/client.ts";

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

function details(appointment: Appointment, timeZone: string): Pick<Output, "params" | "dateTimeParams"> {
  return {
    params: {
      when: appointment.startsAt.toISOString(),
      where: appointment.location,
      map: appointment.mapUrl ?? mapLink(appointment.location),
      with: appointment.withWhom,
      bring: appointment.bring ?? "—",
    },
    dateTimeParams: { when: timeZone },
  };
}

/** An OpenStreetMap search for the address, when the counsellor gave no map link. */
export function mapLink(address: string): string {
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
}

function purpose(appointment: Appointment): Output {
  return { key: `appointments.purpose_${appointment.purpose}` };
}

const buttons = (appointment: Appointment): OutputChoice[] =>
  APPOINTMENT_RESPONSES.map((answer) => ({
    id: responseChoiceId(appointment.id, answer),
    label: `appointments.answer_${answer}`,
  }));

/** The reminder, with "I'll come / I can't come / I need another time". */
export function reminderMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.reminder",
    ...details(appointment, timeZone),
    lists: { purpose: [purpose(appointment)] },
    choices: buttons(appointment),
  };
}

/** Told when the counsellor sets a new appointment. */
export function newAppointmentMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.created",
    ...details(appointment, timeZone),
    lists: { purpose: [purpose(appointment)] },
    choices: buttons(appointment),
  };
}

/** Told when the counsellor moves it. */
export function movedMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.moved",
    ...details(appointment, timeZone),
    lists: { purpose: [purpose(appointment)] },
    choices: buttons(appointment),
  };
}

/** Told when the counsellor cancels it. */
export function cancelledMessage(appointment: Appointment, timeZone: string): Output {
  return {
    key: "appointments.cancelled",
    ...details(appointment, timeZone),
    lists: { purpose: [purpose(appointment)] },
  };
}
