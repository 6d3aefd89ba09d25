/**
 * Waiting for the outbox instead of for the clock: "nothing more will be sent to them" is when no
 * outbound row of their conversations is queued or sending. A test that counts copies after this
 * needs no fixed pause: a second copy could only come from such a row. The deadline bounds a
 * failure only.
 */
import type { Prisma } from "../../src/generated/prisma/client.ts";
import type { Db } from "../../src/store/prisma.ts";

export async function outboundSettled(
  db: Db,
  conversation: Prisma.ConversationWhereInput,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await db.message.count({
      where: { conversation, direction: "outbound", status: { in: ["queued", "sending"] } },
    });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} outbound messages still open after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
