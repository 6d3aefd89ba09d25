-- CreateEnum
CREATE TYPE "AppointmentPurpose" AS ENUM ('intake', 'orientation', 'training', 'job_interview', 'company_visit');

-- CreateEnum
CREATE TYPE "AppointmentStatus" AS ENUM ('scheduled', 'cancelled');

-- CreateEnum
CREATE TYPE "AppointmentResponse" AS ENUM ('coming', 'cannot_come', 'reschedule');

-- CreateEnum
CREATE TYPE "PlacementStatus" AS ENUM ('active', 'ended');

-- CreateEnum
CREATE TYPE "NudgeKind" AS ENUM ('appointment_reminder', 'checkin', 'idle_flow');

-- CreateEnum
CREATE TYPE "NudgeStatus" AS ENUM ('pending', 'sent', 'cancelled', 'skipped');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('open', 'done');

-- AlterEnum
ALTER TYPE "MessageStatus" ADD VALUE 'sending';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "proactive" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Appointment" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "location" TEXT NOT NULL,
    "mapUrl" TEXT,
    "withWhom" TEXT NOT NULL,
    "purpose" "AppointmentPurpose" NOT NULL,
    "bring" TEXT,
    "status" "AppointmentStatus" NOT NULL DEFAULT 'scheduled',
    "response" "AppointmentResponse",
    "respondedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Placement" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "employer" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "contractType" TEXT NOT NULL,
    "status" "PlacementStatus" NOT NULL DEFAULT 'active',
    "endedOn" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Placement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CheckIn" (
    "id" TEXT NOT NULL,
    "placementId" TEXT NOT NULL,
    "point" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "mood" INTEGER,
    "answers" JSONB,
    "stillWorking" BOOLEAN,
    "escalated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CheckIn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Nudge" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "kind" "NudgeKind" NOT NULL,
    "conversationId" TEXT,
    "caseId" TEXT,
    "subjectId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" "NudgeStatus" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "firedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Nudge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CounsellorTask" (
    "id" TEXT NOT NULL,
    "caseId" TEXT,
    "organisationId" TEXT,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "status" "TaskStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "CounsellorTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Appointment_caseId_startsAt_idx" ON "Appointment"("caseId", "startsAt");

-- CreateIndex
CREATE INDEX "Appointment_status_startsAt_idx" ON "Appointment"("status", "startsAt");

-- CreateIndex
CREATE INDEX "Placement_caseId_idx" ON "Placement"("caseId");

-- CreateIndex
CREATE INDEX "Placement_status_startDate_idx" ON "Placement"("status", "startDate");

-- CreateIndex
CREATE INDEX "CheckIn_dueAt_idx" ON "CheckIn"("dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "CheckIn_placementId_point_key" ON "CheckIn"("placementId", "point");

-- CreateIndex
CREATE UNIQUE INDEX "Nudge_jobId_key" ON "Nudge"("jobId");

-- CreateIndex
CREATE INDEX "Nudge_status_dueAt_idx" ON "Nudge"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Nudge_subjectId_idx" ON "Nudge"("subjectId");

-- CreateIndex
CREATE INDEX "Nudge_conversationId_status_idx" ON "Nudge"("conversationId", "status");

-- CreateIndex
CREATE INDEX "CounsellorTask_organisationId_status_createdAt_idx" ON "CounsellorTask"("organisationId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "CounsellorTask_caseId_idx" ON "CounsellorTask"("caseId");

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Placement" ADD CONSTRAINT "Placement_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckIn" ADD CONSTRAINT "CheckIn_placementId_fkey" FOREIGN KEY ("placementId") REFERENCES "Placement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CounsellorTask" ADD CONSTRAINT "CounsellorTask_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

