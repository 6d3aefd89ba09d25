/**
 * Web chat sessions are issued by the server, never made up by the page: 32 random bytes
 * (256 bits, 43 base64url characters), recorded as the session's web chat Conversation row at
 * once. A request names its session; one the server did not issue (or has erased since, with
 * /delete) is refused, so a guessed or made-up id reads nobody's messages.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../../store/prisma.ts";

/** What an issued session id looks like; anything else is refused before a query. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Issues a new session: its id, with the conversation row that makes it known. */
export async function issueSession(db: Db): Promise<string> {
  const sessionId = randomBytes(32).toString("base64url");
  await db.conversation.create({
    data: { channel: "webchat", externalConversationId: sessionId, externalUserId: sessionId },
    select: { id: true },
  });
  return sessionId;
}

/** Whether `sessionId` was issued here and still exists. */
export async function sessionExists(db: Db, sessionId: string): Promise<boolean> {
  if (!SESSION_ID_PATTERN.test(sessionId)) return false;
  const row = await db.conversation.findUnique({
    where: { channel_externalConversationId: { channel: "webchat", externalConversationId: sessionId } },
    select: { id: true },
  });
  return row !== null;
}
