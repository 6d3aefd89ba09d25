-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "linkFailedAt" TIMESTAMP(3),
ADD COLUMN     "linkFailures" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ChannelLinkCode" (
    "code" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelLinkCode_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "ChannelLinkCode_clientId_idx" ON "ChannelLinkCode"("clientId");

-- CreateIndex
CREATE INDEX "ChannelLinkCode_conversationId_idx" ON "ChannelLinkCode"("conversationId");

-- AddForeignKey
ALTER TABLE "ChannelLinkCode" ADD CONSTRAINT "ChannelLinkCode_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelLinkCode" ADD CONSTRAINT "ChannelLinkCode_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

