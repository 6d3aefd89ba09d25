/**
 * Applying the engine's effects to the store, inside the turn's transaction. The core changes
 * the conversation's language itself; every other effect (consent, linking to a case, erasure, a
 * note for the counsellor) is applied by the handler its domain registered (turn-registry.ts).
 */
import type { Effect, VarValue } from "../engine/types.ts";
import type { DbClient } from "../store/prisma.ts";
import type { DomainEffectType, EffectHandler } from "./turn-registry.ts";

/** What the turn needs to know about the conversation while applying effects (mutated as they apply). */
export interface EffectTarget {
  conversationId: string;
  channel: "telegram" | "webchat" | "teams";
  clientId: string | null;
  locale: string;
  displayName: string | undefined;
  /** Run variables of the run the effect came from (invite code, …). */
  vars: Record<string, VarValue>;
}

/** What applying the effects changed about the turn. */
export interface EffectOutcome {
  /** The client was erased: nothing more is applied or stored. */
  erased: boolean;
  declined: boolean;
  /** Work for after the transaction commits (removing an erased person's timers, …), in order. */
  afterCommit: (() => Promise<void>)[];
}

/** Applies `effects` in order; stops after an erasure. */
export async function applyEffects(
  tx: DbClient,
  target: EffectTarget,
  effects: readonly Effect[],
  handlers: ReadonlyMap<DomainEffectType, EffectHandler>,
): Promise<EffectOutcome> {
  const outcome: EffectOutcome = { erased: false, declined: false, afterCommit: [] };
  for (const effect of effects) {
    if (effect.type === "start_flow" || effect.type === "flow_completed") continue; // runs, not the store
    if (effect.type === "set_locale") {
      await setLocale(tx, target, effect.locale);
      continue;
    }
    const handler = handlers.get(effect.type);
    if (!handler) throw new Error(`no handler for effect ${effect.type}`);
    const changed = await handler(tx, target, effect);
    outcome.erased ||= changed?.erased ?? false;
    outcome.declined ||= changed?.declined ?? false;
    outcome.afterCommit.push(...(changed?.afterCommit ?? []));
    if (outcome.erased) return outcome;
  }
  return outcome;
}

async function setLocale(tx: DbClient, target: EffectTarget, locale: string): Promise<void> {
  target.locale = locale;
  await tx.conversation.update({ where: { id: target.conversationId }, data: { locale } });
  if (target.clientId) await tx.client.update({ where: { id: target.clientId }, data: { locale } });
}
