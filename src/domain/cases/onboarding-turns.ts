/**
 * Onboarding in the conversation: /start (with or without an invite code), and what a person who
 * has not consented gets for anything else they send — the privacy notice again, or a reminder
 * that they declined.
 */
import type { EffectTarget } from "../../conversation/effects.ts";
import { onUnhandled, type TurnContext } from "../../conversation/turn-registry.ts";
import type { Output, VarValue } from "../../engine/types.ts";
import type { Db } from "../../store/prisma.ts";
import { readRows, type SqlSource } from "../../store/sql-read.ts";
import { linkCase } from "./case-turns.ts";
import { DEFAULT_INTAKE_SQL } from "./client-linking.ts";
import { normaliseInviteCode } from "./invite-codes.ts";
import { type InviteRow, inviteOf, inviteSql, resolveInvite } from "./invites.ts";

/** Onboarding's start facts in one read: is there a default intake, and what the code means. */
const START_FACTS = `SELECT EXISTS (${DEFAULT_INTAKE_SQL}) AS intake, i.*
  FROM (VALUES (1)) AS one LEFT JOIN (${inviteSql("$1::text")}) AS i ON true`;

/**
 * The facts onboarding starts with: what the /start code is, and whether a client without one has
 * a programme to join. One plain-SQL read, on the turn's own connection when a turn starts
 * onboarding (`ctx.connection`): a handler's read there costs a tenth of a Prisma query's CPU,
 * and only the turns that start onboarding pay for it (the turn read, which every turn makes,
 * does not carry it). The rules stay where they are: the default intake's SQL in
 * client-linking.ts, the code's in invites.ts.
 */
export async function inviteVars(db: SqlSource, code: string | undefined): Promise<Record<string, VarValue>> {
  const [row] = await readRows<InviteRow & { intake: boolean }>(db, START_FACTS, [normaliseInviteCode(code)]);
  const intake = row?.intake ? "default" : "none";
  if (!code) return { invite: "none", invite_code: null, counsellor_name: null, intake };
  const invite = inviteOf(row);
  return {
    invite: invite.kind === "unknown" ? "invalid" : invite.kind,
    invite_code: code,
    counsellor_name: invite.kind === "case" ? invite.counsellorName : null,
    intake,
  };
}

/** Starts onboarding (the privacy notice first). */
export async function startOnboarding(ctx: TurnContext, code?: string): Promise<void> {
  ctx.stack.start("onboarding", { ...(await inviteVars(ctx.connection, code)), channel: ctx.target.channel });
}

/** /start: onboarding for a new person, a link to a case for one who gave a code later, else welcome back. */
export async function startCommand(ctx: TurnContext, code: string | undefined): Promise<void> {
  if (ctx.status === "opted_out") {
    ctx.status = "active";
    ctx.reply({ key: "commands.resumed" });
  }
  if (!ctx.consented) {
    ctx.abandonAll();
    await startOnboarding(ctx, code);
    return;
  }
  if (code) ctx.reply(await linkLater(ctx.db, ctx.target, code));
  else if (!ctx.replies.length) ctx.reply({ key: "commands.welcome_back" });
  ctx.stack.reprompt();
}

/** /start <code> from a client who already consented: link now, and say so. */
async function linkLater(db: Db, target: EffectTarget, code: string): Promise<Output> {
  const invite = await resolveInvite(db, code);
  if (invite.kind === "unknown") return { key: "onboarding.invalid_code" };
  const existing = await db.case.findFirst({
    where: { clientId: target.clientId, status: { not: "closed" } },
  });
  if (invite.kind === "programme" && existing) return { key: "commands.already_linked" };
  await db.$transaction((tx) => linkCase(tx, { ...target, vars: { invite_code: code } }));
  return invite.kind === "case"
    ? { key: "commands.linked_later", params: { counsellor: invite.counsellorName ?? "" } }
    : { key: "onboarding.lead" };
}

export const onboardingTurns = [
  onUnhandled((ctx) => {
    if (ctx.consent?.decision !== "declined" || ctx.consented) return false;
    ctx.reply({ key: "onboarding.declined_reminder" });
    return true;
  }),
  onUnhandled(async (ctx) => {
    if (ctx.consented) return false;
    await startOnboarding(ctx);
    return true;
  }),
];
