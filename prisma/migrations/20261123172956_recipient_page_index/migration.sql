-- DropIndex
DROP INDEX "BroadcastRecipient_broadcastId_status_idx";

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_status_conversationId_idx" ON "BroadcastRecipient"("broadcastId", "status", "conversationId");

