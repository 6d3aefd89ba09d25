-- CreateEnum
CREATE TYPE "HandoverStatus" AS ENUM ('open', 'closed');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NudgeKind" ADD VALUE 'handover_unanswered';
ALTER TYPE "NudgeKind" ADD VALUE 'handover_quiet';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "authorStaffId" TEXT;

-- AlterTable
ALTER TABLE "CounsellorTask" ADD COLUMN     "assigneeStaffId" TEXT,
ADD COLUMN     "doneByStaffId" TEXT;

-- CreateTable
CREATE TABLE "Handover" (
    "id" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "caseId" TEXT,
    "organisationId" TEXT,
    "reason" TEXT NOT NULL,
    "status" "HandoverStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastClientAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "lastStaffAt" TIMESTAMP(3),
    "flaggedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "closedReason" TEXT,
    "closedByStaffId" TEXT,

    CONSTRAINT "Handover_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Handover_organisationId_status_createdAt_idx" ON "Handover"("organisationId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Handover_conversationId_status_idx" ON "Handover"("conversationId", "status");

-- CreateIndex
CREATE INDEX "Handover_status_createdAt_idx" ON "Handover"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "Handover" ADD CONSTRAINT "Handover_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one open handover per conversation (made by hand: Prisma 6 cannot express a partial index).
CREATE UNIQUE INDEX "Handover_one_open_idx" ON "Handover"("conversationId") WHERE "status" = 'open';
