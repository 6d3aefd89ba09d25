/**
 * What the web chat page shows: the bot's messages in one web chat session, as the core stored
 * them. Only outbound messages marked sent are listed; a queued one appears once it is sent.
 */
import { z } from "zod";
import { RTL_LOCALES } from "../../i18n/translator.ts";
import type { Db } from "../../store/prisma.ts";
import type { OutboundChoice } from "../types.ts";

/** One bot message as the page receives it. `id` is the Message row id (a bigint) as a string. */
export interface WebchatMessage {
  id: string;
  text: string;
  choices: OutboundChoice[];
  /** The id of an earlier bot message whose buttons this one updates (a tick in a multi-choice question). */
  replaces?: string;
  locale: string;
  direction: "ltr" | "rtl";
  /** ISO 8601. */
  createdAt: string;
  /** A voice note (the message before it, spoken): its recording id, played from `/chat/voice/<id>`. */
  voice?: string;
}

/** At most this many messages per answer; the page asks again with the last id it saw. */
export const TRANSCRIPT_PAGE_SIZE = 200;

const DEFAULT_LOCALE = "en";

/** The core writes `{ choices?, locale, direction }`; read it leniently so one odd row never breaks the page. */
const outboundPayload = z.object({
  choices: z
    .array(
      z.object({
        id: z.string(),
        label: z.string(),
        url: z
          .url({ protocol: /^https$/ })
          .optional()
          .catch(undefined),
        kind: z.enum(["nav", "toggle"]).optional().catch(undefined),
      }),
    )
    .optional()
    .catch(undefined),
  replaces: z.string().regex(/^\d+$/).optional().catch(undefined),
  locale: z.string().min(1).optional().catch(undefined),
  direction: z.enum(["ltr", "rtl"]).optional().catch(undefined),
  voice: z
    .string()
    .regex(/^[a-z0-9]{8,40}$/)
    .optional()
    .catch(undefined),
});

/** Lists the sent bot messages of web chat session `sessionId` with an id above `after`, oldest first. */
export async function listSentMessages(db: Db, sessionId: string, after: bigint): Promise<WebchatMessage[]> {
  const rows = await db.message.findMany({
    where: {
      conversation: { channel: "webchat", externalConversationId: sessionId },
      direction: "outbound",
      status: "sent",
      id: { gt: after },
    },
    orderBy: { id: "asc" },
    take: TRANSCRIPT_PAGE_SIZE,
    select: { id: true, text: true, payload: true, createdAt: true },
  });
  return rows.map((row) => {
    const parsed = outboundPayload.safeParse(row.payload ?? {});
    const payload = parsed.success ? parsed.data : {};
    const locale = payload.locale ?? DEFAULT_LOCALE;
    return {
      id: row.id.toString(),
      text: row.text ?? "",
      choices: (payload.choices ?? []).map(({ id, label, kind, url }) => ({
        id,
        label,
        ...(kind ? { kind } : {}),
        ...(url ? { url } : {}),
      })),
      ...(payload.replaces ? { replaces: payload.replaces } : {}),
      ...(payload.voice ? { voice: payload.voice } : {}),
      locale,
      direction: payload.direction ?? (RTL_LOCALES.has(locale.split("-")[0] ?? "") ? "rtl" : "ltr"),
      createdAt: row.createdAt.toISOString(),
    };
  });
}

/** The platform id of bot message `rowId` of session `sessionId` (the question a tap came from), if it is one. */
export async function tappedMessageId(db: Db, sessionId: string, rowId: bigint): Promise<string | undefined> {
  const row = await db.message.findFirst({
    where: {
      id: rowId,
      direction: "outbound",
      conversation: { channel: "webchat", externalConversationId: sessionId },
    },
    select: { channelMessageId: true },
  });
  return row?.channelMessageId ?? undefined;
}
