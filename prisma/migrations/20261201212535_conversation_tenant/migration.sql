-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "tenantId" TEXT;

