-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "staffQueue" TEXT;

