-- One open handover per client, not per conversation (docs/decisions/0020-one-handover-per-client.md):
-- a client linked on two channels who asks for a person on both waits in one handover.
ALTER TABLE "Handover" ADD COLUMN "clientId" TEXT;

UPDATE "Handover" h SET "clientId" = c."clientId"
  FROM "Conversation" c WHERE c.id = h."conversationId";

-- A linked client with two open handovers keeps the older one, the other is closed as joined,
-- with its task and its timers (their Redis jobs then find nothing pending). One statement: every
-- part sees the same open handovers.
WITH joined AS (
  SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY "clientId" ORDER BY "createdAt", id) AS n
      FROM "Handover" WHERE status = 'open' AND "clientId" IS NOT NULL
  ) ranked WHERE n > 1
), tasks AS (
  UPDATE "CounsellorTask" SET status = 'done', "doneAt" = now() AT TIME ZONE 'UTC'
   WHERE kind = 'handover' AND status = 'open' AND data->>'handoverId' IN (SELECT id FROM joined)
), nudges AS (
  UPDATE "Nudge" SET status = 'cancelled', reason = 'closed'
   WHERE status = 'pending' AND "subjectId" IN (SELECT id FROM joined)
)
UPDATE "Handover" SET status = 'closed', "closedAt" = now() AT TIME ZONE 'UTC', "closedReason" = 'joined'
 WHERE id IN (SELECT id FROM joined);

CREATE UNIQUE INDEX "Handover_one_open_per_client_idx" ON "Handover"("clientId") WHERE "status" = 'open';
