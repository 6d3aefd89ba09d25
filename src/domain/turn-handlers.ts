/**
 * Everything the domains register with the conversation core (src/conversation/turn-registry.ts).
 * A new domain adds its list here; a new button, flow completion or command is one entry in its
 * domain's `*-turns.ts`.
 */
import type { Queue } from "bullmq";
import { onCommand, type TurnRegistration } from "../conversation/turn-registry.ts";
import type { NudgeJobData } from "../scheduling/nudge-queue.ts";
import type { Db } from "../store/prisma.ts";
import { appointmentTurns } from "./appointments/appointment-turns.ts";
import { assessmentTurns } from "./assessment/assessment-turns.ts";
import { caseTurns } from "./cases/case-turns.ts";
import { onboardingTurns } from "./cases/onboarding-turns.ts";
import { CLIENT_COMMANDS } from "./commands/client-commands.ts";
import { commandMenuTurns } from "./commands/command-menu.ts";
import { reachTurns } from "./funnel/reach-turns.ts";
import { handoverTurns } from "./handovers/handover-turns.ts";
import { checkInTurns } from "./placements/checkin-turns.ts";
import { consentTurns, erasureTurns } from "./privacy/privacy-turns.ts";
import { jobTurns } from "./vacancies/job-turns.ts";
import { visitTurns } from "./vacancies/visit-turns.ts";
import { voiceTurns } from "./voice/voice-turns.ts";

/** The registrations that need nothing but the turn. */
export const DOMAIN_TURNS: readonly TurnRegistration[] = [
  ...CLIENT_COMMANDS.map(onCommand),
  ...commandMenuTurns,
  ...appointmentTurns,
  ...checkInTurns,
  ...jobTurns,
  ...assessmentTurns,
  ...caseTurns,
  ...consentTurns,
  ...onboardingTurns,
  ...reachTurns,
  ...voiceTurns,
];

/** What the registrations that set or remove nudge timers after a turn are built with. */
export interface TurnTimers {
  db: Db;
  queue: Queue<NudgeJobData>;
  /** TZ_DEFAULT, for office hours without a programme of their own. */
  timeZone: string;
}

/** Every domain's registrations (app.ts adds the scheduling's own, the idle nudges). */
export function domainTurns({ db, queue, timeZone }: TurnTimers): TurnRegistration[] {
  return [
    ...DOMAIN_TURNS,
    ...handoverTurns(db, queue, timeZone),
    ...erasureTurns(db, queue),
    ...visitTurns(db, queue),
  ];
}
