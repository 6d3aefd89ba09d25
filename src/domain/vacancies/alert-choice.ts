/**
 * The client's choice of how often job alerts come, asked by /alerts (`flows/alerts.yaml`):
 * every new job at once, the weekly digest, or none. The flow asks and confirms; when its run
 * completes, the turn saves the answer here on the client (Client.alertFrequency). Before consent
 * there is no client, so /alerts only says that alerts need the privacy notice accepted.
 */
import type { Answer } from "../../engine/types.ts";
import type { AlertFrequency } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";

/** The flow behind /alerts. */
export const ALERTS_FLOW = "alerts";

export const ALERT_FREQUENCIES = ["every", "weekly", "none"] as const satisfies readonly AlertFrequency[];

/** The answer of the alerts flow's question, if it is one of the three. */
export function alertFrequencyFrom(answers: Record<string, Answer>): AlertFrequency | undefined {
  const answer = answers.frequency;
  return (ALERT_FREQUENCIES as readonly unknown[]).includes(answer) ? (answer as AlertFrequency) : undefined;
}

/** Saves the completed alerts flow's answer on the client. Returns what was saved. */
export async function saveAlertChoice(
  tx: DbClient,
  clientId: string,
  answers: Record<string, Answer>,
): Promise<AlertFrequency | undefined> {
  const frequency = alertFrequencyFrom(answers);
  if (frequency) await tx.client.update({ where: { id: clientId }, data: { alertFrequency: frequency } });
  return frequency;
}
