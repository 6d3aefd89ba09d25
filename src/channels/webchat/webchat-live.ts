/**
 * What the web chat shows besides the bot's messages, so that a reload brings the conversation
 * back whole: the person's own messages (what they typed, the label of what they tapped), and
 * which bot messages' buttons can still be answered. The rest are shown spent.
 *
 * - A flow question's buttons (`<step>:<choice>`, and `nav:` / `rec:` with them) are live only on
 *   the newest message with flow buttons, while a run waits at that question.
 * - Other buttons (an appointment, a job, a check-in, the menu: `<kind>:<record>:…`) are live until
 *   a later message offers the same button again: the server answers them whenever they come.
 * - Link buttons (a map) send nothing; they stay links.
 * - Only the newest LIVE_OFFERS_WINDOW bot messages with buttons are looked at (an older one's
 *   buttons are spent), so a poll reads a bounded number of rows however long the conversation.
 */
import { z } from "zod";
import type { Db } from "../../store/prisma.ts";

/** One message of the person's, as the page shows it again. */
export interface WebchatClientMessage {
  /** The Message row id (a bigint) as a string; ordered with the bot's. */
  id: string;
  text: string;
  /** The page's own id for the message (it dedupes the bubble it showed at once). */
  clientMessageId?: string;
  /** For a tap: the choice id, so the page can mark the button that was chosen. */
  choiceId?: string;
}

/**
 * Whether a choice id's first part names a question of some flow. Without it every button counts
 * as a flow's and only the newest message's buttons are live (whether a run waits is not checked).
 */
export type IsFlowStep = (stepId: string) => boolean;

const storedChoices = z
  .object({
    choices: z
      .array(
        z.object({
          id: z.string(),
          label: z.string(),
          kind: z.string().optional(),
          url: z.string().optional(),
        }),
      )
      .optional()
      .catch(undefined),
    replaces: z.string().optional().catch(undefined),
    choiceId: z.string().optional().catch(undefined),
  })
  .catch({});

interface Row {
  id: bigint;
  direction: string;
  text: string | null;
  payload: unknown;
  idempotencyKey: string | null;
}

interface Offered {
  bubble: string;
  choices: { id: string; label: string; kind?: string }[];
}

/**
 * Live buttons are looked for among this many newest bot messages with buttons (and a tap's label
 * among as many before it), so a poll reads a bounded number of rows however long the
 * conversation: an older message's buttons are shown spent.
 */
export const LIVE_OFFERS_WINDOW = 100;

/** Above every Message id (bigint): "no upper bound" for latestOffers. */
const ABOVE_EVERY_ID = BigInt("9223372036854775807");

/** The person's messages of session `sessionId` after `after` (at most up to `until`), and the live bot messages. */
export async function transcriptExtras(
  db: Db,
  sessionId: string,
  after: bigint,
  options: { until?: bigint; isFlowStep?: IsFlowStep },
): Promise<{ client: WebchatClientMessage[]; live: string[] }> {
  const conversation = await db.conversation.findUnique({
    where: { channel_externalConversationId: { channel: "webchat", externalConversationId: sessionId } },
    select: { id: true },
  });
  if (!conversation) return { client: [], live: [] };
  const [inbound, recent, runs] = await Promise.all([
    db.message.findMany({
      where: {
        conversationId: conversation.id,
        direction: "inbound",
        id: { gt: after, ...(options.until !== undefined ? { lte: options.until } : {}) },
      },
      orderBy: { id: "asc" },
      select: { id: true, direction: true, text: true, payload: true, idempotencyKey: true },
    }),
    latestOffers(db, conversation.id),
    db.flowRun.findMany({
      where: { conversationId: conversation.id, status: "active" },
      select: { stepId: true },
    }),
  ]);
  const isFlow = flowChoice(options.isFlowStep ?? (() => true));
  const labels = await offersBeforeTaps(db, conversation.id, inbound, recent);
  const client = personMessages([...labels, ...inbound], `in:webchat:${sessionId}:`);
  const waiting = new Set(runs.map((r) => r.stepId).filter((s): s is string => !!s));
  return { client, live: liveBubbles(recent, waiting, isFlow, options.isFlowStep !== undefined) };
}

/** The newest sent bot messages with buttons of a conversation (below `before` when given), oldest first. */
async function latestOffers(db: Db, conversationId: string, before?: bigint): Promise<Row[]> {
  const rows = await db.$queryRaw<{ id: bigint; payload: unknown }[]>`
    SELECT id, payload
      FROM "Message"
     WHERE "conversationId" = ${conversationId} AND direction = 'outbound' AND status = 'sent'
       AND jsonb_typeof(payload -> 'choices') = 'array' AND payload -> 'choices' <> '[]'::jsonb
       AND id < ${before ?? ABOVE_EVERY_ID}
     ORDER BY id DESC
     LIMIT ${LIVE_OFFERS_WINDOW}`;
  return rows
    .reverse()
    .map(({ id, payload }) => ({ id, direction: "outbound", text: null, payload, idempotencyKey: null }));
}

/**
 * The offers the taps among `inbound` were made on: `recent` when it holds every offer (fewer than
 * a window) or the last tap came after all of it, else the window of offers before the last tap.
 */
async function offersBeforeTaps(
  db: Db,
  conversationId: string,
  inbound: Row[],
  recent: Row[],
): Promise<Row[]> {
  const lastTap = inbound.findLast((row) => storedChoices.parse(row.payload ?? {}).choiceId)?.id;
  const newest = recent.at(-1)?.id;
  if (lastTap === undefined || newest === undefined) return recent;
  if (recent.length < LIVE_OFFERS_WINDOW || lastTap > newest) return recent;
  return latestOffers(db, conversationId, lastTap);
}

/** The person's messages among `rows`, each tap labelled by the latest offer of its choice before it. */
function personMessages(rows: Row[], prefix: string): WebchatClientMessage[] {
  const client: WebchatClientMessage[] = [];
  const lastOffer = new Map<string, Offered>();
  for (const row of rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const payload = storedChoices.parse(row.payload ?? {});
    if (row.direction === "outbound") {
      const offered = offeredBy(row.id, payload);
      for (const choice of offered.choices) lastOffer.set(choice.id, offered);
      continue;
    }
    const shown = personMessage(row, payload.choiceId, lastOffer.get(payload.choiceId ?? ""), prefix);
    if (shown) client.push(shown);
  }
  return client;
}

/** The bubbles of `offers` (oldest first) whose buttons are live. */
function liveBubbles(
  offers: Row[],
  waiting: Set<string>,
  isFlow: (choiceId: string) => boolean,
  knowsFlows: boolean,
): string[] {
  const lastOffer = new Map<string, Offered>();
  let latestFlow: Offered | undefined;
  for (const row of offers) {
    const offered = offeredBy(row.id, storedChoices.parse(row.payload ?? {}));
    for (const choice of offered.choices) lastOffer.set(choice.id, offered);
    if (offered.choices.some((c) => isFlow(c.id))) latestFlow = offered;
  }
  const live = new Set<string>();
  for (const [choiceId, offered] of lastOffer) if (!isFlow(choiceId)) live.add(offered.bubble);
  // Without the flows' step ids every button counts as a flow's, and the newest stays live.
  if (latestFlow && (!knowsFlows || (waiting.size > 0 && asksWaiting(latestFlow, waiting, isFlow)))) {
    live.add(latestFlow.bubble);
  }
  return [...live];
}

/** What a bot message offers: its bubble (the one it updates, or its own) and its buttons that send something. */
function offeredBy(id: bigint, payload: z.infer<typeof storedChoices>): Offered {
  return {
    bubble: payload.replaces ?? id.toString(),
    choices: (payload.choices ?? []).filter((c) => !c.url),
  };
}

/** `nav:` and `rec:` go with flow questions; otherwise the id's first part names a flow's step. */
function flowChoice(isFlowStep: IsFlowStep): (choiceId: string) => boolean {
  return (choiceId) => {
    const stepId = choiceId.slice(0, Math.max(0, choiceId.indexOf(":")));
    return stepId === "nav" || stepId === "rec" || (stepId !== "" && isFlowStep(stepId));
  };
}

/** Whether the newest flow message asks a waiting question (or is "start again?" / "go on?" about one). */
function asksWaiting(offered: Offered, waiting: Set<string>, isFlow: (id: string) => boolean): boolean {
  const steps = offered.choices.filter((c) => isFlow(c.id)).map((c) => c.id.slice(0, c.id.indexOf(":")));
  const questions = steps.filter((s) => s !== "nav" && s !== "rec");
  return questions.length === 0 || questions.some((s) => waiting.has(s));
}

/** A person's message as shown again: the text typed, or the label tapped (a tick box: nothing). */
function personMessage(
  row: Row,
  choiceId: string | undefined,
  offered: Offered | undefined,
  prefix: string,
): WebchatClientMessage | undefined {
  const clientMessageId = row.idempotencyKey?.startsWith(prefix)
    ? row.idempotencyKey.slice(prefix.length)
    : undefined;
  const base = { id: row.id.toString(), ...(clientMessageId ? { clientMessageId } : {}) };
  if (choiceId) {
    const choice = offered?.choices.find((c) => c.id === choiceId);
    if (!choice || choice.kind === "toggle") return undefined;
    return { ...base, text: choice.label, choiceId };
  }
  // Before consent no words are kept (text is null): nothing to show.
  return row.text ? { ...base, text: row.text } : undefined;
}
