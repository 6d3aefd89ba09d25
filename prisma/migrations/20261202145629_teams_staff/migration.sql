-- AlterTable
ALTER TABLE "Counsellor" ADD COLUMN     "teamsCards" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "teamsCodeExpiresAt" TIMESTAMP(3),
ADD COLUMN     "teamsCodeHash" TEXT;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "teamsCardAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "staffId" TEXT;

-- AlterTable
ALTER TABLE "CounsellorTask" ADD COLUMN     "cardPending" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "Counsellor_teamsCodeHash_key" ON "Counsellor"("teamsCodeHash");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_staffId_key" ON "Conversation"("staffId");

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Counsellor"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Made by hand (Prisma 6 cannot express it, and the datamodel diff ignores it): the tasks waiting to
-- become a Teams card, polled by the card worker (domain/staff/teams-cards.ts).
CREATE INDEX "CounsellorTask_card_pending_idx" ON "CounsellorTask" ("createdAt") WHERE "cardPending";
