-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN     "idempotencyKey" TEXT;

-- AlterTable
ALTER TABLE "Broadcast" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Appointment_idempotencyKey_key" ON "Appointment"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Broadcast_idempotencyKey_key" ON "Broadcast"("idempotencyKey");

