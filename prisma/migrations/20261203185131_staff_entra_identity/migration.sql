-- AlterTable
ALTER TABLE "Counsellor" ADD COLUMN     "entraObjectId" TEXT,
ADD COLUMN     "entraTenantId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Counsellor_entraObjectId_key" ON "Counsellor"("entraObjectId");

