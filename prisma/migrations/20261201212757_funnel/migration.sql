-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "smallNumberThreshold" INTEGER NOT NULL DEFAULT 5;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "reachCounted" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ProgrammeReach" (
    "programmeId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ProgrammeReach_pkey" PRIMARY KEY ("programmeId","day")
);

-- CreateTable
CREATE TABLE "CaseStep" (
    "caseId" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseStep_pkey" PRIMARY KEY ("caseId","step")
);

-- AddForeignKey
ALTER TABLE "ProgrammeReach" ADD CONSTRAINT "ProgrammeReach_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseStep" ADD CONSTRAINT "CaseStep_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Made by hand (Prisma cannot express triggers, and the datamodel diff of new-migration ignores
-- them). The step dates of the funnel: every path that changes the status of a case is recorded
-- here, whoever wrote it, and the completion of an assessment survives the erasure of the client
-- (Assessment rows go with the client, CaseStep holds only the case id and a date). First time
-- per step, except `closed`: the last time.
-- The migration runner sends the script to Postgres one statement at a time, cut at every
-- semicolon (dollar quotes included), so the function bodies are E-strings whose semicolons are
-- written \x3B.
CREATE FUNCTION "case_step_from_status"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF NEW."status"::text IN (\'preparation\', \'training\', \'working\', \'closed\')
     AND (TG_OP = \'INSERT\' OR OLD."status" IS DISTINCT FROM NEW."status") THEN
    INSERT INTO "CaseStep" ("caseId", "step", "at") VALUES (NEW."id", NEW."status"::text, now())
    ON CONFLICT ("caseId", "step") DO UPDATE SET "at" = EXCLUDED."at" WHERE "CaseStep"."step" = \'closed\'\x3B
  END IF\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "Case_step" AFTER INSERT OR UPDATE OF "status" ON "Case"
  FOR EACH ROW EXECUTE FUNCTION "case_step_from_status"();

CREATE FUNCTION "case_step_from_assessment"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF NEW."caseId" IS NOT NULL THEN
    INSERT INTO "CaseStep" ("caseId", "step", "at") VALUES (NEW."caseId", \'assessed\', NEW."completedAt")
    ON CONFLICT ("caseId", "step") DO NOTHING\x3B
  END IF\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "Assessment_step" AFTER INSERT OR UPDATE OF "caseId" ON "Assessment"
  FOR EACH ROW EXECUTE FUNCTION "case_step_from_assessment"();

-- What the store already knows: the status of today (dated by the last change of the case) and assessments.
INSERT INTO "CaseStep" ("caseId", "step", "at")
  SELECT "id", "status"::text, "updatedAt" FROM "Case"
  WHERE "status"::text IN ('preparation', 'training', 'working', 'closed')
ON CONFLICT DO NOTHING;
INSERT INTO "CaseStep" ("caseId", "step", "at")
  SELECT "caseId", 'assessed', min("completedAt") FROM "Assessment" WHERE "caseId" IS NOT NULL GROUP BY "caseId"
ON CONFLICT DO NOTHING;
