-- "What to bring" becomes document codes (shown in the client's language) and a note per client
-- language. The old one-language free text is kept as the English note, so nothing is lost.
ALTER TABLE "Appointment"
ADD COLUMN     "bringDocuments" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "bringNotes" JSONB NOT NULL DEFAULT '{}';

UPDATE "Appointment" SET "bringNotes" = jsonb_build_object('en', "bring") WHERE "bring" IS NOT NULL AND "bring" <> '';

ALTER TABLE "Appointment" DROP COLUMN "bring";
