-- CreateEnum
CREATE TYPE "MessageKind" AS ENUM ('reply', 'counsellor', 'notice', 'reminder', 'checkin', 'nudge', 'job_alert', 'broadcast');

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "kind" "MessageKind" NOT NULL DEFAULT 'reply',
ADD COLUMN     "leaseToken" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "notBefore" TIMESTAMP(3),
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "queue" TEXT NOT NULL DEFAULT '';

-- Written by hand: what the rows written before this migration are, and the partial indexes the
-- outbox's senders read (src/outbox/message-store.ts). Prisma 6 cannot express partial indexes.
UPDATE "Message" SET kind = 'broadcast', priority = 5 WHERE "broadcastId" IS NOT NULL;
UPDATE "Message" SET kind = 'notice', priority = 1 WHERE proactive AND "broadcastId" IS NULL;

-- An earlier outbound message of the chat still waiting (every kind now, replies included).
DROP INDEX IF EXISTS "Message_waiting_idx";
CREATE INDEX "Message_waiting_idx" ON "Message" ("conversationId", id)
  WHERE direction = 'outbound' AND status IN ('queued', 'sending');

-- The next queued message to send, by priority then age.
CREATE INDEX "Message_queued_idx" ON "Message" (priority, id)
  WHERE direction = 'outbound' AND status = 'queued';
