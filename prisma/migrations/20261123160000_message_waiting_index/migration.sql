-- Written by hand: Prisma 6 cannot express a partial index in the schema (see the note at Message
-- in schema.prisma). The outbox claim (src/outbox/send-claim.ts) asks whether an earlier proactive
-- message of the same chat is still waiting. This index holds only those, so the answer stays
-- one small index probe however many messages the table keeps and whatever its statistics say.
CREATE INDEX "Message_waiting_idx" ON "Message" ("conversationId", id)
  WHERE direction = 'outbound' AND proactive AND status IN ('queued', 'sending');
