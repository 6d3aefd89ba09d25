/**
 * Erasure asked of a staff member (in person, by phone): the same erasure as /delete
 * (erasure.ts: the person everywhere, decision 0022), started from one of their cases by the
 * case's counsellor or a coordinator of its organisation. Their timers go after commit, and each of
 * their chats still open gets a last message in its language, unstored like /delete's goodbye:
 * through this process's outbox senders (the console and the API), or the running bot's
 * (the CLI, which has none: farewell-queue.ts).
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import { addressOf, type ConversationAddress } from "../../channels/types.ts";
import { renderOutputs } from "../../i18n/render.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboundSenders } from "../../outbox/outbound-senders.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { syncTimers } from "../../scheduling/nudge-store.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { requireCaseInScope } from "../cases/case-access.ts";
import { ForbiddenError } from "../errors.ts";
import type { StaffIdentity } from "../staff/staff-identity.ts";
import { eraseClient } from "./erasure.ts";

/** The message each open chat of the person gets after a staff erasure (client languages). */
export const STAFF_ERASURE_MESSAGE = "commands.erased_by_staff";

export interface StaffErasureDeps {
  db: Db;
  queue: Queue<NudgeJobData>;
  translator: Translator;
  /** The outbox's unstored send (as after /delete), or the CLI's hand-over to the bot; absent: none. */
  farewell?: Pick<OutboundSenders, "sendUnstored">;
}

export interface StaffErasureResult {
  caseId: string;
  /** Nobody was linked to the case any more (erased before, by anyone): nothing was done now. */
  alreadyErased: boolean;
  /** Chats the last message was handed to the outbox for. */
  told: number;
}

/** Whether `staff` may erase the person of a case owned by `counsellorId`: its counsellor or a coordinator. */
export function mayErase(staff: StaffIdentity, counsellorId: string | null): boolean {
  return staff.role === "coordinator" || (staff.role === "counsellor" && counsellorId === staff.staffId);
}

type Chat = { id: string; address: ConversationAddress; locale: string };

/**
 * Erases the person of `caseId` everywhere. Another organisation's case is a NotFoundError, a
 * role or counsellor who may not a ForbiddenError. `submission` (a console form's id) makes a
 * repeated post answer as the first did; any later request finds nobody left and says so.
 */
export async function eraseCaseClient(
  deps: StaffErasureDeps,
  staff: StaffIdentity,
  caseId: string,
  submission?: string,
): Promise<StaffErasureResult> {
  await requireCaseInScope(deps.db, staff, caseId);
  const owner = await deps.db.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { counsellorId: true },
  });
  if (!mayErase(staff, owner.counsellorId))
    throw new ForbiddenError("Only the case's counsellor or a coordinator may erase the person.", {
      code: "erase_forbidden",
    });
  // No unique key to race on: the case's row lock orders two posts, and the later one finds
  // nobody left; a submission seen before answers as it did.
  const earlier = async () => (submission ? await erasedBySubmission(deps.db, caseId, submission) : null);
  const before = await earlier();
  if (before) return before;
  const done = await deps.db.$transaction((tx) => eraseLocked(tx, staff, caseId, submission));
  if (!done) return (await earlier()) ?? { caseId, alreadyErased: true, told: 0 };
  if (done.nudgeJobIds.length) await syncTimers(deps.db, deps.queue, done.nudgeJobIds);
  return { caseId, alreadyErased: false, told: await sayGoodbye(deps, done.chats) };
}

/** Under the case's row lock (two posts erase once): null when the case has no client any more. */
async function eraseLocked(tx: DbClient, staff: StaffIdentity, caseId: string, submission?: string) {
  const [locked] = await tx.$queryRaw<{ clientId: string | null }[]>`
    SELECT "clientId" FROM "Case" WHERE id = ${caseId} FOR UPDATE`;
  const clientId = locked?.clientId;
  if (!clientId) return null;
  const chats = await openChats(tx, clientId);
  const erased = await eraseClient(tx, clientId, {
    by: "staff",
    staffId: staff.staffId,
    organisationId: staff.organisationId,
    erasureId: randomUUID(),
    ...(submission ? { submission } : {}),
  });
  return { chats, nudgeJobIds: erased.nudgeJobIds };
}

/** The answer a submission already had: its audit event names the case. */
async function erasedBySubmission(db: Db, caseId: string, submission: string) {
  const [event] = await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM "AuditEvent"
    WHERE type = 'client.erased' AND data->>'submission' = ${submission} AND data->'cases' ? ${caseId}
    LIMIT 1`;
  return event ? { caseId, alreadyErased: false, told: 0 } : null;
}

/** The person's chats that may still be written to (not blocked, not after /stop), read before they go. */
async function openChats(tx: DbClient, clientId: string): Promise<Chat[]> {
  const rows = await tx.conversation.findMany({
    where: { clientId, status: "active", staffId: null },
    select: {
      id: true,
      channel: true,
      externalConversationId: true,
      externalUserId: true,
      reference: true,
      locale: true,
      client: { select: { locale: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    locale: row.locale ?? row.client?.locale ?? "en",
    address: addressOf(row),
  }));
}

/** The last message, in each chat's language, through the outbox's pacer and without a row. */
async function sayGoodbye(deps: StaffErasureDeps, chats: Chat[]): Promise<number> {
  if (!deps.farewell) return 0;
  for (const chat of chats) {
    const [goodbye] = renderOutputs([{ key: STAFF_ERASURE_MESSAGE }], chat.locale, deps.translator);
    if (goodbye) await deps.farewell.sendUnstored(chat.id, chat.address, goodbye.message);
  }
  return chats.length;
}
