/**
 * The flows' domain effects as parts of the turn's one statement (turn-write.ts), for the domains
 * that registered an `atOnce` form of their effect (turn-registry.ts: a new client's consent, a
 * lead in the default intake). The first effect that cannot be written so — no such form, or its
 * handler says no (a code to resolve, a client already in a case) — sends the whole turn to the
 * transaction of turn-save.ts, with the turn's target as it was before.
 */
import type pg from "pg";
import type { SqlParams, WritePart } from "../store/sql-write.ts";
import type { ConversationDeps, LoadedTurn } from "./conversation-service.ts";
import { DOMAIN_EFFECTS, type DomainEffect, type DomainEffectType } from "./turn-registry.ts";
import type { ProgrammeFacts } from "./turn-sql.ts";

const DOMAIN_TYPES: ReadonlySet<string> = new Set(DOMAIN_EFFECTS);

/** What the domain effects of a turn write with it. */
export interface EffectsAtOnce {
  parts: WritePart[];
  declined: boolean;
  /** The client's programme after the effects; undefined when no effect changed it. */
  programme?: ProgrammeFacts | null;
}

/** Whether an effect of the turn is a domain's (one that a domain's handler applies). */
export function isDomainEffect(effect: { type: string }): effect is DomainEffect {
  return DOMAIN_TYPES.has(effect.type);
}

/** The turn's domain effects as parts, in order; undefined (target restored) when one cannot be. */
export async function effectsAtOnce(
  read: pg.ClientBase,
  deps: ConversationDeps,
  turn: LoadedTurn,
  params: SqlParams,
): Promise<EffectsAtOnce | undefined> {
  const { target } = turn;
  const before = { clientId: target.clientId, locale: target.locale, vars: target.vars };
  const done: EffectsAtOnce = { parts: [], declined: false };
  for (const [index, { effect, vars }] of turn.stack.effects.entries()) {
    if (!isDomainEffect(effect)) continue;
    const handler = deps.turns.effectParts.get(effect.type as DomainEffectType);
    target.vars = vars;
    const written = handler ? await handler(read, target, effect, params, `e${index}`) : undefined;
    if (!written) {
      Object.assign(target, before);
      return undefined;
    }
    done.parts.push(...written.parts);
    done.declined ||= written.outcome?.declined ?? false;
    if (written.programme !== undefined) done.programme = written.programme;
  }
  target.vars = before.vars;
  return done;
}
