-- AlterTable
ALTER TABLE "Vacancy" ADD COLUMN     "contractCode" TEXT,
ADD COLUMN     "contractMonths" INTEGER,
ADD COLUMN     "jobCode" TEXT,
ALTER COLUMN "job" DROP NOT NULL,
ALTER COLUMN "contractType" DROP NOT NULL;

