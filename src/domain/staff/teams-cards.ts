/**
 * Teams cards: when a task that calls for a person is raised (a handover, an escalated check-in, a
 * client interested in a job: tasks/tasks.ts CARD_TASK_KINDS), its assignee gets a card in their
 * linked Teams chat — "Ana (case AP-001) asks for you · Open in the console". A card holds the
 * client's first name, the case reference and the kind, never what the client wrote.
 *
 * The task row is the event: createTask marks it `cardPending` in the transaction that raises it,
 * so a task that rolled back makes no card and a committed one is never forgotten. `writeNextCard`
 * takes one pending task (FOR UPDATE SKIP LOCKED: one process each) of a staff chat linked
 * through this deployment (Conversation.staffQueue, its QUEUE_PREFIX) and, in one transaction,
 * clears the mark and writes the card to the outbox (key `teams-card:<case>:<task>`), which sends it
 * with the Teams sender and its limits. At most one card per case per 10 minutes: Case.teamsCardAt,
 * moved forward only by a conditional UPDATE (row-locked, so two at once cannot both pass), counted
 * from the task's own time, so a restart or a late pass never sends a second one.
 */
import type { OutboundMessage } from "../../channels/types.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { Outbox } from "../../outbox/outbox.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { clientNameSelect, visibleClientName } from "../cases/client-names.ts";
import { caseScope, type StaffIdentity } from "./staff-identity.ts";

export const CARD_GAP_MS = 10 * 60_000;

const CARD_KEYS: Readonly<Record<string, string>> = {
  handover: "staff-teams.card_handover",
  "checkin.escalation": "staff-teams.card_checkin",
  "job.interest": "staff-teams.card_job",
};

export interface TeamsCardDeps {
  db: Db;
  outbox: Pick<Outbox, "write">;
  translator: Translator;
  /** PUBLIC_URL, else http://HOST:PORT: where "Open in the console" points. */
  baseUrl: string;
  /** QUEUE_PREFIX: this deployment takes the tasks of the staff chats linked through it. */
  queue: string;
}

/** What a card says, in the staff member's language. */
export interface CardContent {
  kind: string;
  firstName: string | null;
  reference: string | null;
  caseId: string;
  locale: string;
}

/** The card as an outbound message: its text, and one link button to the case in the console. */
export function teamsCard(translator: Translator, baseUrl: string, card: CardContent): OutboundMessage {
  const t = (key: string, params?: Record<string, string>) => translator.t(key, card.locale, params);
  const name = card.firstName ?? t("staff-teams.card_someone");
  const who = card.reference ? t("staff-teams.card_who_ref", { name, reference: card.reference }) : name;
  const page = card.kind === "handover" ? "/conversation" : "";
  return {
    text: t(CARD_KEYS[card.kind] ?? "staff-teams.card_handover", { who }),
    locale: card.locale,
    direction: "ltr",
    choices: [
      {
        id: "open",
        label: t("staff-teams.card_open"),
        url: `${baseUrl}/console/cases/${card.caseId}${page}`,
      },
    ],
  };
}

/**
 * Takes the oldest pending task whose assignee's chat talks to this deployment's bot, and writes its
 * card, if it gets one. Returns null when none was pending, else the outbox message id (undefined:
 * no card for it — switched off, another organisation, or a card about the case went out less than
 * 10 minutes before). A pending task whose assignee has no linked chat is cleared by any deployment.
 */
export async function writeNextCard(deps: TeamsCardDeps): Promise<bigint | undefined | null> {
  await deps.db.$executeRaw`
    UPDATE "CounsellorTask" t SET "cardPending" = false
     WHERE t."cardPending" AND NOT EXISTS (SELECT 1 FROM "Conversation" c WHERE c."staffId" = t."assigneeStaffId")`;
  return deps.db.$transaction(async (tx) => {
    const [next] = await tx.$queryRaw<{ id: string }[]>`
      SELECT t.id FROM "CounsellorTask" t JOIN "Conversation" c ON c."staffId" = t."assigneeStaffId"
       WHERE t."cardPending" AND c."staffQueue" = ${deps.queue}
       ORDER BY t."createdAt" LIMIT 1 FOR UPDATE OF t SKIP LOCKED`;
    if (!next) return null;
    await tx.counsellorTask.update({ where: { id: next.id }, data: { cardPending: false } });
    return cardForTask(tx, deps, next.id);
  });
}

async function cardForTask(tx: DbClient, deps: TeamsCardDeps, taskId: string): Promise<bigint | undefined> {
  const task = await tx.counsellorTask.findUniqueOrThrow({ where: { id: taskId } });
  if (task.status !== "open" || !task.caseId || !task.assigneeStaffId || !CARD_KEYS[task.kind]) return;
  const staff = await cardReader(tx, task.assigneeStaffId);
  if (!staff || staff.organisationId !== task.organisationId) return;
  const chat = await tx.conversation.findUnique({
    where: { staffId: staff.staffId },
    select: { id: true, status: true },
  });
  if (chat?.status !== "active") return;
  // Only a case the staff member may see (the one rule: caseScope).
  const found = await tx.case.findFirst({
    where: { AND: [{ id: task.caseId }, caseScope(staff)] },
    select: { id: true, reference: true, client: { select: clientNameSelect } },
  });
  if (!found) return;
  const since = new Date(task.createdAt.getTime() - CARD_GAP_MS);
  const passed = await tx.$executeRaw`
    UPDATE "Case" SET "teamsCardAt" = ${task.createdAt}
     WHERE id = ${found.id} AND ("teamsCardAt" IS NULL OR "teamsCardAt" <= ${since})`;
  if (passed === 0) return;
  const firstName = found.client ? (visibleClientName(found.client)?.trim().split(/\s+/)[0] ?? null) : null;
  const content = {
    kind: task.kind,
    firstName,
    reference: found.reference,
    caseId: found.id,
    locale: staff.locale,
  };
  return deps.outbox.write(tx, {
    conversationId: chat.id,
    idempotencyKey: `teams-card:${found.id}:${task.id}`,
    messageKey: CARD_KEYS[task.kind] as string,
    kind: "notice",
    message: teamsCard(deps.translator, deps.baseUrl, content),
  });
}

/**
 * The assignee, if they want cards (active account, switch on), locked FOR SHARE: turning the switch
 * off waits for this transaction, then withdraws what it wrote (teams-settings.ts).
 */
async function cardReader(tx: DbClient, staffId: string): Promise<StaffIdentity | undefined> {
  const [staff] = await tx.$queryRaw<(StaffIdentity & { teamsCards: boolean; active: boolean })[]>`
    SELECT id AS "staffId", "organisationId", role, locale, "teamsCards", "deactivatedAt" IS NULL AS active
      FROM "Counsellor" WHERE id = ${staffId} FOR SHARE`;
  if (!staff?.teamsCards || !staff.active) return undefined;
  return {
    staffId: staff.staffId,
    organisationId: staff.organisationId,
    role: staff.role,
    locale: staff.locale,
  };
}

/** Erasure: the cards about these cases in staff chats go too (their text names the client). */
export async function deleteTeamsCards(tx: DbClient, caseIds: readonly string[]): Promise<void> {
  if (!caseIds.length) return;
  await tx.message.deleteMany({
    where: {
      conversation: { staffId: { not: null } },
      OR: caseIds.map((id) => ({ idempotencyKey: { startsWith: `teams-card:${id}:` } })),
    },
  });
}
