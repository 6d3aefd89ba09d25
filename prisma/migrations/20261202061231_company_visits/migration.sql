-- CreateTable
CREATE TABLE "CompanyVisit" (
    "id" TEXT NOT NULL,
    "vacancyId" TEXT NOT NULL,
    "place" TEXT NOT NULL,
    "mapUrl" TEXT,
    "host" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CompanyVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VisitSlot" (
    "id" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "appointmentId" TEXT,

    CONSTRAINT "VisitSlot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CompanyVisit_vacancyId_key" ON "CompanyVisit"("vacancyId");

-- CreateIndex
CREATE UNIQUE INDEX "VisitSlot_appointmentId_key" ON "VisitSlot"("appointmentId");

-- CreateIndex
CREATE UNIQUE INDEX "VisitSlot_visitId_startsAt_key" ON "VisitSlot"("visitId", "startsAt");

-- AddForeignKey
ALTER TABLE "CompanyVisit" ADD CONSTRAINT "CompanyVisit_vacancyId_fkey" FOREIGN KEY ("vacancyId") REFERENCES "Vacancy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VisitSlot" ADD CONSTRAINT "VisitSlot_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "CompanyVisit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VisitSlot" ADD CONSTRAINT "VisitSlot_appointmentId_fkey" FOREIGN KEY ("appointmentId") REFERENCES "Appointment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

