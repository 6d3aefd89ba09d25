-- CreateEnum
CREATE TYPE "BroadcastKind" AS ENUM ('job_update', 'programme');

-- CreateEnum
CREATE TYPE "BroadcastStatus" AS ENUM ('scheduled', 'sending', 'sent', 'cancelled');

-- CreateEnum
CREATE TYPE "RecipientStatus" AS ENUM ('pending', 'queued', 'skipped', 'cancelled');

-- AlterEnum
ALTER TYPE "JobAlertStatus" ADD VALUE 'digest_pending';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "place" TEXT,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "broadcastId" TEXT;

-- AlterTable
ALTER TABLE "JobAlert" ADD COLUMN     "sentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "counsellorId" TEXT,
    "kind" "BroadcastKind" NOT NULL DEFAULT 'programme',
    "vacancyId" TEXT,
    "segment" JSONB NOT NULL,
    "texts" JSONB NOT NULL,
    "fallbacks" JSONB NOT NULL DEFAULT '{}',
    "status" "BroadcastStatus" NOT NULL DEFAULT 'scheduled',
    "sendAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BroadcastRecipient" (
    "broadcastId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "caseId" TEXT,
    "locale" TEXT,
    "status" "RecipientStatus" NOT NULL DEFAULT 'pending',
    "reason" TEXT,

    CONSTRAINT "BroadcastRecipient_pkey" PRIMARY KEY ("broadcastId","conversationId")
);

-- CreateTable
CREATE TABLE "SavedList" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "caseIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedList_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Broadcast_status_sendAt_idx" ON "Broadcast"("status", "sendAt");

-- CreateIndex
CREATE INDEX "Broadcast_organisationId_createdAt_idx" ON "Broadcast"("organisationId", "createdAt");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_status_idx" ON "BroadcastRecipient"("broadcastId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SavedList_organisationId_name_key" ON "SavedList"("organisationId", "name");

-- CreateIndex
CREATE INDEX "Case_place_idx" ON "Case"("place");

-- CreateIndex
CREATE INDEX "Message_broadcastId_status_idx" ON "Message"("broadcastId", "status");

-- AddForeignKey
ALTER TABLE "Broadcast" ADD CONSTRAINT "Broadcast_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE CASCADE ON UPDATE CASCADE;

