/** Taps on an appointment's buttons ("appt:<id>:coming" …), answered in the turn's transaction. */
import { onButton } from "../../conversation/turn-registry.ts";
import { parseResponseChoice } from "./appointment-messages.ts";
import { recordAppointmentResponse } from "./appointment-response.ts";

export const appointmentTurns = [
  onButton("appt", (ctx, choiceId) => {
    const tap = parseResponseChoice(choiceId);
    if (!tap) return false;
    ctx.inTransaction((tx) =>
      recordAppointmentResponse(tx, { ...tap, clientId: ctx.target.clientId, now: ctx.now }),
    );
    return true;
  }),
];
