-- CreateEnum
CREATE TYPE "AlertFrequency" AS ENUM ('every', 'weekly', 'none');

-- CreateEnum
CREATE TYPE "VacancyStatus" AS ENUM ('open', 'filled', 'closed');

-- CreateEnum
CREATE TYPE "JobAlertStatus" AS ENUM ('sent', 'interested', 'not_for_me', 'more_info');

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "alertFrequency" "AlertFrequency" NOT NULL DEFAULT 'every';

-- CreateTable
CREATE TABLE "Vacancy" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "employer" TEXT NOT NULL,
    "employerHidden" BOOLEAN NOT NULL DEFAULT true,
    "job" TEXT NOT NULL,
    "sector" TEXT NOT NULL,
    "municipality" TEXT NOT NULL,
    "access" TEXT,
    "publicTransport" BOOLEAN NOT NULL DEFAULT true,
    "hours" TEXT NOT NULL,
    "shifts" TEXT[],
    "weekends" BOOLEAN NOT NULL DEFAULT false,
    "contractType" TEXT NOT NULL,
    "startDate" DATE,
    "places" INTEGER NOT NULL DEFAULT 1,
    "dutchLevel" TEXT,
    "frenchLevel" TEXT,
    "workPermit" BOOLEAN NOT NULL DEFAULT true,
    "drivingLicence" TEXT,
    "cvNeeded" BOOLEAN NOT NULL DEFAULT false,
    "texts" JSONB NOT NULL DEFAULT '{}',
    "status" "VacancyStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Vacancy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobAlert" (
    "id" TEXT NOT NULL,
    "vacancyId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "status" "JobAlertStatus" NOT NULL DEFAULT 'sent',
    "declineReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "JobAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Vacancy_organisationId_status_idx" ON "Vacancy"("organisationId", "status");

-- CreateIndex
CREATE INDEX "JobAlert_clientId_status_idx" ON "JobAlert"("clientId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "JobAlert_vacancyId_clientId_key" ON "JobAlert"("vacancyId", "clientId");

-- AddForeignKey
ALTER TABLE "Vacancy" ADD CONSTRAINT "Vacancy_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobAlert" ADD CONSTRAINT "JobAlert_vacancyId_fkey" FOREIGN KEY ("vacancyId") REFERENCES "Vacancy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobAlert" ADD CONSTRAINT "JobAlert_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

