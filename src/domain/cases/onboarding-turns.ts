/**
 * Onboarding in the conversation: /start (with or without an invite code), and what a person who
 * has not consented gets for anything else they send — the privacy notice again, or a reminder
 * that they declined.
 */
import type { EffectTarget } from "../../conversation/effects.ts";
import { onUnhandled, type TurnContext } from "../../conversation/turn-registry.ts";
import type { Output, VarValue } from "../../engine/types.ts";
import type { Db } from "../../store/prisma.ts";
import { linkCase } from "./case-turns.ts";
import { resolveInvite } from "./invites.ts";

/** The facts onboarding starts with: what the /start code is. */
export async function inviteVars(db: Db, code: string | undefined): Promise<Record<string, VarValue>> {
  const intake = (await db.programme.count({ where: { isDefaultIntake: true } })) > 0 ? "default" : "none";
  if (!code) return { invite: "none", invite_code: null, counsellor_name: null, intake };
  const invite = await resolveInvite(db, code);
  return {
    invite: invite.kind === "unknown" ? "invalid" : invite.kind,
    invite_code: code,
    counsellor_name: invite.kind === "case" ? invite.counsellorName : null,
    intake,
  };
}

/** Starts onboarding (the privacy notice first). */
export async function startOnboarding(ctx: TurnContext, code?: string): Promise<void> {
  ctx.stack.start("onboarding", { ...(await inviteVars(ctx.db, code)), channel: ctx.target.channel });
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
