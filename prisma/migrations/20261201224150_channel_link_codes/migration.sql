-- CreateTable
CREATE TABLE "ChannelLinkCode" (
    "code" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelLinkCode_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "ChannelLinkFailures" (
    "conversationId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelLinkFailures_pkey" PRIMARY KEY ("conversationId")
);

-- CreateIndex
CREATE INDEX "ChannelLinkCode_clientId_idx" ON "ChannelLinkCode"("clientId");

-- CreateIndex
CREATE INDEX "ChannelLinkCode_conversationId_idx" ON "ChannelLinkCode"("conversationId");

-- AddForeignKey
ALTER TABLE "ChannelLinkCode" ADD CONSTRAINT "ChannelLinkCode_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelLinkCode" ADD CONSTRAINT "ChannelLinkCode_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelLinkFailures" ADD CONSTRAINT "ChannelLinkFailures_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

