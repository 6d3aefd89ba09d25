/**
 * A turn's write as one statement (store/sql-write.ts), on the connection that holds the
 * conversation's lock: the inbound message, the runs, the language, the conversation (with the
 * observers' columns of it), what the observers write (the idle nudges, the funnel's count) and
 * the replies, leased to the turn — one round trip that commits or fails as a whole, instead of a
 * Prisma transaction of 9–12 statements at 1–2 ms of CPU each. Taken when every domain effect
 * of the turn has an at-once form (effects-at-once.ts: consent, and linking a client made this
 * turn to the default intake), and the turn has no completion handler, no handler's work, and
 * every afterEffects handler idle. Any other turn (erasure, a person asked for, linking with a
 * code, …) is saved by turn-save.ts, in a transaction, with the same observers' parts as one
 * statement there.
 * Table and column names are Prisma's (prisma/schema.prisma); DateTime columns are UTC
 * `timestamp(3)`, written from ISO strings; ids of new rows are made here (Prisma's are cuids).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { InboundMessage, OutboundMessage } from "../channels/types.ts";
import { type RenderedMessage, renderOutputs } from "../i18n/render.ts";
import type { DbClient } from "../store/prisma.ts";
import { runWrite, SqlParams, type WritePart } from "../store/sql-write.ts";
import { withVoiceNotes } from "../store/voice-notes.ts";
import type { ConversationDeps, LoadedTurn } from "./conversation-service.ts";
import { effectsAtOnce, isDomainEffect } from "./effects-at-once.ts";
import type { StackRun } from "./flow-stack.ts";
import { inPlaceMessage, spentQuestion, type TappedQuestion, tappedQuestion } from "./in-place.ts";
import type { TurnObservation } from "./turn-registry.ts";
import type { TurnPlan } from "./turn-routing.ts";
import type { SavedTurnResult } from "./turn-save.ts";
import type { ProgrammeFacts } from "./turn-sql.ts";

/** Whether the turn's writes other than the domain effects can be one statement (effects-at-once.ts says for those). */
function coreWritesAtOnce(deps: ConversationDeps, turn: LoadedTurn, plan: TurnPlan): boolean {
  if (plan.work.length) return false;
  const completion = turn.stack.effects.some(
    ({ effect }) => effect.type === "flow_completed" && deps.turns.completions.has(effect.flowId),
  );
  return !completion && deps.turns.afterEffects.every((handler) => handler.idle?.(plan.ctx) ?? false);
}

/**
 * Writes the turn in one statement on `connection` (it commits by itself) and returns the replies;
 * undefined, with nothing written, when the turn needs the transaction (turn-save.ts).
 */
export async function writeTurnAtOnce(
  connection: pg.ClientBase,
  deps: ConversationDeps,
  msg: InboundMessage,
  turn: LoadedTurn,
  plan: TurnPlan,
): Promise<SavedTurnResult | undefined> {
  if (!coreWritesAtOnce(deps, turn, plan)) return undefined;
  const p = new SqlParams();
  const conversation = p.add(turn.conversation.id, "text");
  const locale = applyLocale(turn);
  const effects = await effectsAtOnce(connection, deps, turn, p);
  if (!effects) return undefined;
  const parts: WritePart[] = [
    inboundPart(p, conversation, msg, turn),
    ...runParts(p, conversation, turn, plan),
    ...effects.parts,
  ];
  if (locale && turn.conversation.clientId) {
    const sql = `UPDATE "Client" SET locale = ${p.add(locale, "text")} WHERE id = ${p.add(turn.conversation.clientId, "text")}`;
    parts.push({ name: "client_locale", sql });
  }
  const known = effects.programme === undefined ? {} : { programme: effects.programme };
  const observed = await observations(deps, turn, plan, effects.declined, p, deps.db, known);
  parts.push(conversationPart(p, conversation, msg, turn, plan, locale, conversationSets(observed)));
  parts.push(...observed.flatMap((o) => o.parts));
  const rendered = renderOutputs([...plan.extra, ...turn.stack.outputs], turn.target.locale, deps.translator);
  const tapped = await tappedQuestion(deps.db, turn.conversation.id, msg, rendered);
  const rows = await replyRows(deps.db, msg, turn, rendered, tapped);
  if (rows.length) parts.push(replyPart(p, conversation, turn, rows));
  const keys = await runWrite(connection, parts, p);
  const ids = new Map(
    (keys.get("replies") ?? []).map((key) => [
      key.slice(0, key.lastIndexOf("=")),
      key.slice(key.lastIndexOf("=") + 1),
    ]),
  );
  const afterCommit = observed.flatMap((o) => o.after?.(keys) ?? []);
  const replies = rows.map((row) => ({
    messageId: BigInt(ids.get(row.idempotencyKey) as string),
    message: row.message,
  }));
  return { replies, erased: false, declined: effects.declined, afterCommit };
}

/** The engine's language changes (the last one counts), applied to the turn's target. */
function applyLocale(turn: LoadedTurn): string | undefined {
  let locale: string | undefined;
  for (const { effect } of turn.stack.effects) if (effect.type === "set_locale") locale = effect.locale;
  if (locale) turn.target.locale = locale;
  return locale;
}

function inboundPart(p: SqlParams, conversation: string, msg: InboundMessage, turn: LoadedTurn): WritePart {
  // Before consent we keep no words of the person: only that a message came.
  const text = p.add(turn.consented ? (msg.text ?? null) : null, "text");
  const payload = p.add(msg.choiceId ? JSON.stringify({ choiceId: msg.choiceId }) : null, "jsonb");
  const sql = `INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", status, text, payload)
    VALUES (${conversation}, 'inbound', ${p.add(turn.inboundKey, "text")}, 'received', ${text}, ${payload})
    RETURNING id`;
  return { name: "inbound", sql };
}

/** Runs abandoned, changed and started (a new run gets its id here, for the observers). */
function runParts(p: SqlParams, conversation: string, turn: LoadedTurn, plan: TurnPlan): WritePart[] {
  const now = new Date();
  const touched = turn.stack.touched;
  const parts: WritePart[] = [];
  // A run both abandoned and touched ends as touched (as saveRuns writes them, in that order).
  const abandoned = plan.abandoned.flatMap((run) => (run.id && !touched.includes(run) ? [run.id] : []));
  if (abandoned.length) {
    const sql = `UPDATE "FlowRun" SET status = 'abandoned', "updatedAt" = ${p.add(now, "timestamp")}
      WHERE id = ANY(${p.add(abandoned, "text[]")})`;
    parts.push({ name: "runs_abandoned", sql });
  }
  const started: string[] = [];
  for (const [index, run] of touched.entries()) {
    const v = runValues(p, run, now);
    if (run.id) {
      const sql = `UPDATE "FlowRun" SET "flowVersion" = ${v.version}, "stepId" = ${v.step}, status = ${v.status},
        state = ${v.state}, "updatedAt" = ${v.now}, "completedAt" = COALESCE(${v.completed}, "completedAt")
        WHERE id = ${p.add(run.id, "text")}`;
      parts.push({ name: `run_${index}`, sql });
      continue;
    }
    run.id = randomUUID();
    // Started in this order: the newest on top when the runs are read (startedAt DESC).
    const startedAt = p.add(new Date(now.getTime() + index), "timestamp");
    started.push(
      `(${p.add(run.id, "text")}, ${conversation}, ${p.add(run.flow.id, "text")}, ${v.version}, ${v.step}, ${v.status}, ${v.state}, ${startedAt}, ${v.now}, ${v.completed})`,
    );
  }
  if (started.length) {
    const sql = `INSERT INTO "FlowRun" (id, "conversationId", "flowId", "flowVersion", "stepId", status, state,
      "startedAt", "updatedAt", "completedAt") VALUES ${started.join(", ")}`;
    parts.push({ name: "runs_started", sql });
  }
  return parts;
}

function runValues(p: SqlParams, run: StackRun, now: Date) {
  return {
    version: p.add(run.state.flowVersion, "int"),
    step: p.add(run.state.stepId, "text"),
    status: p.add(run.state.status, '"FlowRunStatus"'),
    state: p.add(JSON.stringify(run.state), "jsonb"),
    now: p.add(now, "timestamp"),
    completed: p.add(run.state.status === "completed" ? now : null, "timestamp"),
  };
}

function conversationPart(
  p: SqlParams,
  conversation: string,
  msg: InboundMessage,
  turn: LoadedTurn,
  plan: TurnPlan,
  locale: string | undefined,
  observed: readonly string[],
): WritePart {
  const reference = p.add(msg.reference ? JSON.stringify(msg.reference) : null, "jsonb");
  // A client made by this turn's effects (consent); else the column is left to whoever changed it.
  const made = turn.target.clientId !== turn.conversation.clientId;
  const clientId = made ? `, "clientId" = ${p.add(turn.target.clientId, "text")}` : "";
  const sql = `UPDATE "Conversation" SET status = ${p.add(plan.status, '"ConversationStatus"')},
      "lastInboundAt" = ${p.add(turn.now, "timestamp")}, locale = COALESCE(${p.add(locale, "text")}, locale),
      reference = COALESCE(${reference}, reference), "tenantId" = COALESCE(${p.add(msg.tenantId, "text")}, "tenantId")${clientId}${observed.map((set) => `, ${set}`).join("")}
    WHERE id = ${conversation}`;
  return { name: "conversation", sql };
}

/** The core's own columns of the conversation's UPDATE: an observer cannot set them. */
const CORE_COLUMNS = ["status", "lastInboundAt", "locale", "reference", "tenantId", "clientId"];

/**
 * The observers' conversation columns as `"column" = value`, for the conversation's one UPDATE;
 * throws on a column that is not a plain name, one the core sets, or one set twice.
 */
export function conversationSets(observed: readonly TurnObservation[]): string[] {
  const sets = observed.flatMap((o) => o.conversation ?? []);
  const seen = new Set(CORE_COLUMNS);
  for (const { column } of sets) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(column))
      throw new Error(`conversation column "${column}" is not a plain name`);
    if (seen.has(column)) throw new Error(`conversation column "${column}" is set twice in one turn`);
    seen.add(column);
  }
  return sets.map(({ column, value }) => `"${column}" = ${value}`);
}

/** A reply as stored: its row's fields and what is sent. */
export interface ReplyRow {
  idempotencyKey: string;
  messageKey: string;
  text: string;
  payload: Record<string, unknown>;
  message: OutboundMessage;
}

/**
 * The turn's replies as rows (the same in both ways of writing a turn): the tapped card spent
 * first when the channel asks for it (Teams), then the replies, each followed by its voice note
 * for a person who asked for voice (store/voice-notes.ts).
 */
export async function replyRows(
  db: DbClient,
  msg: InboundMessage,
  turn: LoadedTurn,
  rendered: readonly RenderedMessage[],
  tapped: TappedQuestion | undefined,
): Promise<ReplyRow[]> {
  const spent = spentQuestion(msg, tapped, rendered);
  const planned = [...(spent ? [spent] : []), ...rendered].map((reply, index) => ({
    conversationId: turn.conversation.id,
    idempotencyKey: `out:${turn.inboundKey}:${index}`,
    messageKey: reply.key,
    message: inPlaceMessage(reply, tapped),
  }));
  // Voice asked for before, or in this very turn (the replies after it are heard already).
  const voice =
    turn.conversation.voiceNotes || turn.stack.effects.some(({ effect }) => effect.type === "set_voice");
  const items = voice ? await withVoiceNotes(db, planned) : planned;
  return items.map(({ idempotencyKey, messageKey, message }) => ({
    idempotencyKey,
    messageKey,
    text: message.text,
    payload: replyPayload(message, tapped?.rowId),
    message,
  }));
}

/** What a reply row keeps besides its text: language, buttons, the question it updates, its voice. */
function replyPayload(message: OutboundMessage, tappedRowId: bigint | undefined): Record<string, unknown> {
  const choices = message.choices?.map(({ id, label, kind, url }) => ({
    id,
    label,
    ...(kind ? { kind } : {}),
    ...(url ? { url } : {}),
  }));
  return {
    locale: message.locale,
    direction: message.direction,
    ...(message.voice ? { voice: message.voice } : {}),
    ...(choices ? { choices } : {}),
    // The tapped question: its row (the web chat's bubble) and its platform id (the sender edits it).
    ...(message.replaces && tappedRowId !== undefined
      ? { replaces: tappedRowId.toString(), replacesMessage: message.replaces }
      : {}),
  };
}

/**
 * The replies, after the inbound message (they read its row, so it gets the lower id: the
 * transcript's order) and in their order (ORDER BY: their ids are the order they are sent in).
 */
function replyPart(
  p: SqlParams,
  conversation: string,
  turn: LoadedTurn,
  rows: readonly ReplyRow[],
): WritePart {
  const { queue, leaseToken, leaseUntil } = turn.hold;
  const [q, token, until] = [p.add(queue, "text"), p.add(leaseToken, "text"), p.add(leaseUntil, "timestamp")];
  const values = rows.map(
    (row, n) =>
      `(${p.add(n, "int")}, ${p.add(row.idempotencyKey, "text")}, ${p.add(row.messageKey, "text")}, ${p.add(row.text, "text")}, ${p.add(JSON.stringify(row.payload), "jsonb")})`,
  );
  const sql = `INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", "messageKey", text, payload,
      status, queue, "leaseToken", "leaseUntil")
    SELECT ${conversation}, 'outbound'::"MessageDirection", v.key, v."messageKey", v.text, v.payload,
           'queued'::"MessageStatus", ${q}, ${token}, ${until}
      FROM (VALUES ${values.join(", ")}) AS v(n, key, "messageKey", text, payload), inbound
     ORDER BY v.n
    RETURNING "idempotencyKey" || '=' || id AS key`;
  return { name: "replies", sql, returns: true };
}

/** What the registered observers write with the turn (idle nudges, …); not for a turn that declined. */
export async function observations(
  deps: ConversationDeps,
  turn: LoadedTurn,
  plan: TurnPlan,
  declined: boolean,
  params: SqlParams,
  read: DbClient,
  known: { programme?: ProgrammeFacts | null } = {},
): Promise<TurnObservation[]> {
  const finishedRunIds = [...plan.abandoned, ...turn.stack.touched]
    .filter((run) => run.id && run.state.status !== "active")
    .map((run) => run.id as string);
  // A domain's effect (consent, a linked case, …) may have changed the client's programme.
  // (`known`: the programme the effects written at once gave, else unknown after any domain effect.)
  const domainEffect = turn.stack.effects.some(({ effect }) => isDomainEffect(effect));
  const startedRuns = turn.stack.touched
    .filter((run) => run.started)
    .map((run) => ({ flowId: run.flow.id, vars: run.state.vars }));
  const seen = {
    conversationId: turn.conversation.id,
    clientId: turn.target.clientId,
    declined,
    waitingRunId: turn.stack.top?.id ?? null,
    finishedRunIds,
    startedRuns,
    now: turn.now,
    ...(domainEffect ? known : { programme: turn.programme }),
  };
  const observed: TurnObservation[] = [];
  for (const observe of deps.turns.afterTurn) {
    const one = await observe(seen, params, read);
    if (one) observed.push(one);
  }
  return observed;
}
