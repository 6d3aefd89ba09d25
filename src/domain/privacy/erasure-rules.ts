/**
 * What erasure (/delete, erasure.ts) does to every table of the store: one rule per model of
 * prisma/schema.prisma. The type makes a new model without a rule a compile error, and
 * test/domain/privacy/erasure-everywhere.test.ts checks these names against the database's own
 * tables (so a table made by hand in a migration needs one too).
 */
import type { Prisma } from "../../store/prisma.ts";

/**
 * - `deleted`: the person's rows go (by erasure.ts, or by a foreign key's ON DELETE CASCADE).
 * - `anonymised`: the rows stay for the programme's counts, with what names the person cleared.
 * - `kept`: holds nothing about a client (staff accounts, vacancies, the bot's own words, counts).
 */
export type ErasureRule = { rule: "deleted" | "anonymised" | "kept"; how: string };

export const ERASURE_RULES = {
  Organisation: { rule: "kept", how: "no client data" },
  Programme: { rule: "kept", how: "no client data" },
  Counsellor: { rule: "kept", how: "staff accounts" },
  StaffSession: { rule: "kept", how: "staff accounts" },
  ApiToken: { rule: "kept", how: "staff accounts" },
  Client: { rule: "deleted", how: "erasure.ts" },
  ChannelLinkCode: { rule: "deleted", how: "cascade from Client and Conversation" },
  ChannelLinkFailures: { rule: "deleted", how: "cascade from Conversation" },
  Case: { rule: "anonymised", how: "no client, reference or invite code; closed" },
  Conversation: { rule: "deleted", how: "every conversation of the client (erasure.ts)" },
  Message: { rule: "deleted", how: "cascade from Conversation; staff's Teams cards by key (teams-cards.ts)" },
  Consent: { rule: "deleted", how: "cascade from Conversation" },
  FlowRun: { rule: "deleted", how: "cascade from Conversation" },
  AuditEvent: {
    rule: "anonymised",
    how: "events naming an erased conversation lose its id; one client.erased event per organisation with case ids (staff's: their id in their own organisation's only)",
  },
  Assessment: { rule: "deleted", how: "cascade from Client" },
  Appointment: { rule: "anonymised", how: "the notes on what to bring are cleared" },
  Placement: { rule: "anonymised", how: "employer and job cleared; dates kept for the funnel" },
  CheckIn: { rule: "kept", how: "codes and dates of an anonymised placement" },
  Nudge: { rule: "deleted", how: "by conversation and case (erasure.ts), with their Redis timers" },
  CounsellorTask: { rule: "deleted", how: "the tasks about the erased cases, handovers and job alerts" },
  Handover: { rule: "deleted", how: "cascade from Conversation" },
  Vacancy: { rule: "kept", how: "no client data" },
  JobAlert: { rule: "deleted", how: "cascade from Client" },
  Broadcast: { rule: "kept", how: "texts by staff to a segment; codes and ids only" },
  BroadcastRecipient: { rule: "deleted", how: "by conversation (erasure.ts)" },
  SavedList: { rule: "anonymised", how: "the erased cases leave the lists" },
  CaseNote: { rule: "deleted", how: "erasure.ts" },
  CaseStatusChange: { rule: "kept", how: "ids and dates of an anonymised case" },
  ProgrammeReach: { rule: "kept", how: "a count per programme and day" },
  CaseStep: { rule: "kept", how: "ids and dates of an anonymised case" },
  CompanyVisit: { rule: "kept", how: "no client data" },
  VisitSlot: { rule: "kept", how: "a time, taken by an anonymised appointment" },
  VoiceRecording: { rule: "kept", how: "the bot's own words, spoken by staff" },
} as const satisfies Record<Prisma.ModelName, ErasureRule>;
