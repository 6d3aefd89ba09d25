/**
 * The appointment and placement domains' dependencies from the console context: the same
 * functions the CLI calls, with the app's nudge queue and outbox (the one outbound path).
 */
import type { AppointmentDeps } from "../domain/appointments/appointments.ts";
import type { PlacementDeps } from "../domain/placements/placements.ts";
import type { ConsoleContext } from "./console-context.ts";

export function appointmentDeps(context: ConsoleContext): AppointmentDeps {
  const { db, nudgeQueue, translator, outbox, config } = context;
  return { db, queue: nudgeQueue, translator, outbox, defaultTimeZone: config.TZ_DEFAULT };
}

export function placementDeps(context: ConsoleContext): PlacementDeps {
  const { db, nudgeQueue, config } = context;
  return { db, queue: nudgeQueue, defaultTimeZone: config.TZ_DEFAULT };
}
