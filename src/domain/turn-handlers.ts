/**
 * Everything the domains register with the conversation core (src/conversation/turn-registry.ts).
 * A new domain adds its list here; a new button, flow completion or command is one entry in its
 * domain's `*-turns.ts`.
 */
import { onCommand, type TurnRegistration } from "../conversation/turn-registry.ts";
import { appointmentTurns } from "./appointments/appointment-turns.ts";
import { assessmentTurns } from "./assessment/assessment-turns.ts";
import { caseTurns } from "./cases/case-turns.ts";
import { onboardingTurns } from "./cases/onboarding-turns.ts";
import { CLIENT_COMMANDS } from "./commands/client-commands.ts";
import { reachTurns } from "./funnel/reach-turns.ts";
import { checkInTurns } from "./placements/checkin-turns.ts";
import { privacyTurns } from "./privacy/privacy-turns.ts";
import { jobTurns } from "./vacancies/job-turns.ts";

export const DOMAIN_TURNS: readonly TurnRegistration[] = [
  ...CLIENT_COMMANDS.map(onCommand),
  ...appointmentTurns,
  ...checkInTurns,
  ...jobTurns,
  ...assessmentTurns,
  ...caseTurns,
  ...privacyTurns,
  ...onboardingTurns,
  ...reachTurns,
];
