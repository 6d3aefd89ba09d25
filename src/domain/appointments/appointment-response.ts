/**
 * A client's answer to an appointment ("I'll come", "I can't come", "I need another time"): stored
 * on the appointment, and a task for the counsellor. Only the appointment's own client can answer.
 */
import type { Output } from "../../engine/types.ts";
import type { DbClient } from "../../store/prisma.ts";
import { createTask } from "../tasks/tasks.ts";
import type { AppointmentAnswer } from "./appointment-messages.ts";

/** Records the answer; returns what to tell the client. */
export async function recordAppointmentResponse(
  tx: DbClient,
  input: { clientId: string | null; appointmentId: string; answer: AppointmentAnswer; now: Date },
): Promise<Output[]> {
  const appointment = await tx.appointment.findUnique({
    where: { id: input.appointmentId },
    include: {
      case: { select: { id: true, clientId: true, programme: { select: { organisationId: true } } } },
    },
  });
  if (!appointment || !input.clientId || appointment.case.clientId !== input.clientId) {
    return [{ key: "appointments.unknown" }];
  }
  if (appointment.status === "cancelled") return [{ key: "appointments.already_cancelled" }];
  const changed = appointment.response !== input.answer;
  await tx.appointment.update({
    where: { id: appointment.id },
    data: { response: input.answer, respondedAt: input.now },
  });
  if (changed) {
    await createTask(tx, {
      kind: "appointment.response",
      caseId: appointment.case.id,
      organisationId: appointment.case.programme?.organisationId ?? null,
      data: { appointmentId: appointment.id, answer: input.answer },
    });
  }
  return [{ key: `appointments.thanks_${input.answer}` }];
}
