-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "voiceNotes" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "VoiceRecording" (
    "id" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "messageKey" TEXT NOT NULL,
    "audio" BYTEA NOT NULL,
    "mimeType" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "recordedById" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" TIMESTAMP(3),
    "telegramFileIds" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VoiceRecording_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "VoiceRecording_locale_messageKey_key" ON "VoiceRecording"("locale", "messageKey");

